// The benchmarks' generated inputs, made in JavaScript so that `pnpm bench` and CI's
// regression check need no Python: a realistic pstats dump (the recipe of the former
// make_pstats.py, written by @pyprof/output-pstats the way Python's marshal writes it), a
// hotshot log (the hostile set's record builders) and collapsed stacks. Deterministic for
// given sizes and seed; each is made once into bench-out/ and kept (the name holds the sizes).
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defineFile,
  defineFunction,
  EXIT,
  enter,
  join as joinBytes,
} from '../../apps/cli/test/hostile/bytes.mjs';
import { hotshotHeader } from '../../apps/cli/test/hostile/cases.mjs';
import { ProfileBuilder, singleProfileSet, writeToBytes } from '../../packages/core/dist/index.js';
import { pstats } from '../../packages/output-pstats/dist/index.js';
import { outDir } from './lib.mjs';

/** mulberry32: a small seeded PRNG, so every machine makes the same inputs. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

/** Writes `bytes` to bench-out/`name` (through a temporary name) unless it is there. */
function made(name, make) {
  const file = join(outDir, name);
  if (existsSync(file)) return file;
  console.error(`generating ${file} …`);
  const temporary = `${file}.partial`;
  writeFileSync(temporary, make());
  renameSync(temporary, file);
  return file;
}

const ROOTS = [
  '/usr/lib/python3.11/',
  '/home/dev/.venv/lib/python3.11/site-packages/',
  '/srv/app/src/',
];
const PACKAGES = ['django', 'requests', 'numpy', 'pandas', 'sqlalchemy', 'myapp', 'urllib3'];
const WORDS = ['get', 'set', 'load', 'save', 'parse', 'render', 'build', 'run', 'handle', 'read'];
const NOUNS = ['item', 'request', 'response', 'node', 'value', 'field', 'model', 'view', 'row'];
const DUNDERS = ['__init__', '__call__', '__getattr__', '__eq__', '__hash__', '__iter__'];
const SPECIAL = ['<lambda>', '<genexpr>', '<listcomp>', '<dictcomp>', '<module>'];

/** Distinct (file, line, name) keys: builtins, then functions of application-like paths. */
function functionKeys(rng, count) {
  const files = [];
  for (let i = 0; i < Math.max(1, Math.floor(count / 12)); i++) {
    const parts = [rng.pick(PACKAGES)];
    for (let d = rng.int(0, 3); d > 0; d--) parts.push(`${rng.pick(NOUNS)}${rng.int(0, 9)}`);
    const leaf = rng.pick(['__init__', `${rng.pick(NOUNS)}s`, `${rng.pick(WORDS)}_x`, 'utils']);
    files.push(`${rng.pick(ROOTS)}${parts.join('/')}/${leaf}.py`);
  }
  const keys = [];
  const seen = new Set();
  for (const w of ['len', 'isinstance', 'getattr', 'min', 'max', 'sorted', 'iter', 'next'])
    keys.push(['~', 0, `<built-in method builtins.${w}>`]);
  for (const m of ['append', 'get', 'join', 'split', 'items', 'pop', 'update'])
    for (const t of ['list', 'dict', 'str'])
      keys.push(['~', 0, `<method '${m}' of '${t}' objects>`]);
  while (keys.length < count) {
    const r = rng.next();
    const name =
      r < 0.05
        ? rng.pick(SPECIAL)
        : r < 0.15
          ? rng.pick(DUNDERS)
          : `${rng.pick(WORDS)}_${rng.pick(NOUNS)}${rng.next() < 0.3 ? rng.int(0, 99) : ''}`;
    const key = [rng.pick(files), rng.int(1, 3000), name];
    const id = key.join('\0');
    if (seen.has(id)) continue;
    seen.add(id);
    keys.push(key);
  }
  return keys.slice(0, count);
}

/**
 * inputs.mjs's dump: `functions` functions, about `edges` caller edges whose counts per
 * callee follow a power law (a few functions with hundreds of callers, most with a few),
 * each function's totals the sums of its callers' numbers. Returns the file's path.
 */
export function pstatsDump(functions, edges, seed = 1) {
  return made(`pstats-${functions}-${edges}-${seed}.prof`, () => {
    const rng = random(seed);
    const keys = functionKeys(rng, functions);
    const builder = new ProfileBuilder({ format: 'cprofile', producer: 'cProfile' });
    const ids = keys.map(([file, line, name]) =>
      builder.addFunction(file, line, name, file === '~' ? 'builtin' : 'python'),
    );
    const weights = keys.map((_, i) => 1 / (i + 1) ** 0.8);
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const order = keys.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let remaining = edges;
    order.forEach((callee, rank) => {
      let k = Math.max(1, Math.round((edges * weights[rank]) / totalWeight));
      k = Math.min(k, remaining > 0 ? remaining : 1, keys.length - 1);
      remaining -= k;
      const callers = new Set();
      const totals = { callCount: 0, primitiveCallCount: 0, selfTime: 0, inclusiveTime: 0 };
      for (let e = 0; e < k; e++) {
        const caller = Math.floor(rng.next() * keys.length);
        if (caller === callee || callers.has(caller)) continue;
        callers.add(caller);
        const nc = rng.int(1, 500);
        const cc = rng.next() < 0.95 ? nc : rng.int(0, nc);
        const tt = rng.next() * 1e-3 * nc;
        const ct = tt + rng.next() * 5e-3 * nc;
        const stats = { callCount: nc, primitiveCallCount: cc, selfTime: tt, inclusiveTime: ct };
        builder.addCall(ids[caller], ids[callee], stats);
        for (const field of Object.keys(totals)) totals[field] += stats[field];
      }
      if (callers.size === 0) {
        const tt = rng.next() * 1e-3;
        Object.assign(totals, {
          callCount: 1,
          primitiveCallCount: 1,
          selfTime: tt,
          inclusiveTime: 2 * tt,
        });
      }
      builder.addFunctionStats(ids[callee], totals);
    });
    const whole = builder.build();
    return writeToBytes(pstats, singleProfileSet(whole));
  });
}

/**
 * A Python 2 hotshot log of about `events` enter/exit records over `functions` functions
 * in 31 files: a random walk that enters a function (the low-numbered ones more often) or
 * returns, at most 60 frames deep, each enter a few microseconds after the last record.
 */
export function hotshotLog(functions, events, seed = 1) {
  return made(`hotshot-${functions}-${events}-${seed}.hotshot`, () => {
    const rng = random(seed);
    const parts = [hotshotHeader()];
    const definitions = [];
    const where = [];
    for (let f = 0; f < 31; f++) definitions.push(...defineFile(f, `/srv/app/mod${f}.py`));
    for (let k = 0; k < functions; k++) {
      const file = k % 31;
      const line = 10 + 7 * Math.floor(k / 31);
      definitions.push(...defineFunction(file, line, `${rng.pick(WORDS)}_${rng.pick(NOUNS)}${k}`));
      where.push([file, line]);
    }
    parts.push(Uint8Array.from(definitions));
    const body = new Uint8Array(4 * events + 64);
    let at = 0;
    let depth = 0;
    for (let e = 0; e < events; e++) {
      if (depth > 0 && (depth >= 60 || rng.next() < 0.48)) {
        body[at++] = EXIT;
        depth--;
      } else {
        const fn = Math.floor(functions * rng.next() ** 3);
        const record = enter(where[fn][0], where[fn][1], rng.int(1, 40));
        body.set(record, at);
        at += record.length;
        depth++;
      }
    }
    for (; depth > 0; depth--) body[at++] = EXIT;
    parts.push(body.subarray(0, at));
    return joinBytes(parts);
  });
}

/**
 * Collapsed stacks (py-spy's `--format raw` shape): `lines` stacks of up to 40 frames
 * `name (file:line)` over `functions` functions, each with a sample count.
 */
export function collapsedStacks(functions, lines, seed = 1) {
  return made(`collapsed-${functions}-${lines}-${seed}.folded`, () => {
    const rng = random(seed);
    const frames = functionKeys(rng, functions).map(([file, line, name]) =>
      file === '~' ? name : `${name} (${file}:${line})`,
    );
    const out = [];
    const stack = [];
    for (let i = 0; i < lines; i++) {
      const keep = rng.int(0, Math.min(stack.length, 30));
      stack.length = keep;
      for (let add = rng.int(1, 10); add > 0 && stack.length < 40; add--)
        stack.push(frames[Math.floor(frames.length * rng.next() ** 2)]);
      out.push(`${stack.join(';')} ${rng.int(1, 50)}`);
    }
    return `${out.join('\n')}\n`;
  });
}
