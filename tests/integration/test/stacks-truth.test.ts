// Issue 16's ground truth: `python -m cProfile` dumps whose exact calling-context tree was
// recorded by `sys.settrace` in the same run (tests/integration/fixtures/stacks, made by
// corpus/stacks). Reconstructed stacks are projected onto the Python functions the trace
// sees (C functions have no trace events) and compared with the true tree: the share of
// weight on stacks that really ran, `run_module`'s cumulative time under `-m`, each module
// body under the import that ran it, and each generator expression only under the function
// that passes it to `sum`.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  BUDGET_FRAME,
  deriveStacks,
  functionFile,
  functionName,
  type Profile,
  readWith,
  type Stacks,
  stackSamples,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { measureCumulativeTime } from '@pyprof/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'stacks');

interface Trace {
  functions: Array<[file: string, line: number, name: string]>;
  nodes: Array<[parent: number, fn: number, own: number, calls: number]>;
}

function load(name: string): { profile: Profile; trace: Trace } {
  const profile = readWith(
    cprofile,
    new Uint8Array(readFileSync(join(folder, `${name}.prof`))),
  ).whole;
  const trace = JSON.parse(
    gunzipSync(readFileSync(join(folder, `${name}.trace.json.gz`))).toString('utf8'),
  ) as Trace;
  return { profile, trace };
}

/** Per profile function, the trace's function with the same pstats key, or -1. */
function traceFunctions(profile: Profile, trace: Trace): Int32Array {
  const index = new Map(
    trace.functions.map(([file, line, name], k) => [`${file}\0${line}\0${name}`, k]),
  );
  const map = new Int32Array(profile.functions.length).fill(-1);
  for (let f = 0; f < profile.functions.length; f++)
    map[f] =
      index.get(
        `${functionFile(profile, f)}\0${profile.functions.line[f]}\0${functionName(profile, f)}`,
      ) ?? -1;
  return map;
}

/** Every stack of the trace, as trace function ids joined by `;`. */
function trueStacks(trace: Trace): Set<string> {
  const keys: string[] = [];
  for (const [parent, fn] of trace.nodes) keys.push(parent < 0 ? `${fn}` : `${keys[parent]};${fn}`);
  return new Set(keys);
}

/** The reconstructed stacks projected onto the trace's functions: key → weight. */
function projected(profile: Profile, trace: Trace, stacks: Stacks): Map<string, number> {
  const map = traceFunctions(profile, trace);
  const out = new Map<string, number>();
  for (const { frames, weight } of stackSamples(stacks)) {
    const ids: number[] = [];
    for (const f of frames) {
      if (f === BUDGET_FRAME) continue;
      const id = map[f] as number;
      if (id >= 0) ids.push(id);
    }
    if (ids.length === 0) continue;
    const key = ids.join(';');
    out.set(key, (out.get(key) ?? 0) + weight);
  }
  return out;
}

function shareOnTrue(profile: Profile, trace: Trace, stacks: Stacks): number {
  const truth = trueStacks(trace);
  let on = 0;
  let all = 0;
  for (const [key, weight] of projected(profile, trace, stacks)) {
    all += weight;
    if (truth.has(key)) on += weight;
  }
  return all > 0 ? on / all : 1;
}

const shares: string[] = [];
afterAll(() => {
  console.log(`stacks ground truth, share of weight on stacks that ran: ${shares.join(', ')}`);
});

/**
 * The share of weight on stacks that ran, at least. These are floors just under what the
 * reconstruction reaches today (measured 2026-12-07), not the goal: inside importlib's and
 * the parser's recursion cycles the fit meets every cumulative time while nesting module
 * bodies and precedence levels in orders that did not run (issue 16 keeps this open). A
 * change that lowers them is a regression; raise them as the reconstruction improves.
 */
const floors: Record<string, number> = {
  'importer.py312': 0.12,
  'importer.py313': 0.14,
  'jsontool.py312': 0.85,
  'jsontool.py313': 0.92,
  'parser.py312': 0.22,
  'parser.py313': 0.11,
  'genexpr.py312': 0.999,
  'genexpr.py313': 0.999,
};
const tags = ['py312', 'py313'];

describe('reconstructed stacks against the settrace tree of the same run', () => {
  for (const [name, floor] of Object.entries(floors))
    it(name, { timeout: 60_000 }, () => {
      const { profile, trace } = load(name);
      const stacks = deriveStacks(profile, { from: 'call-graph' });
      const share = shareOnTrue(profile, trace, stacks);
      shares.push(`${name} ${(100 * share).toFixed(1)}%`);
      expect(share).toBeGreaterThanOrEqual(floor);
    });

  for (const tag of tags)
    it(`json.tool under -m (${tag}): run_module keeps its cumulative time`, {
      timeout: 60_000,
    }, () => {
      const { profile } = load(`jsontool.${tag}`);
      const stacks = deriveStacks(profile, { from: 'call-graph' });
      const measure = measureCumulativeTime(profile, stacks);
      const rows = measure.rows.filter((r) => functionName(profile, r.function) === 'run_module');
      expect(rows).toHaveLength(1);
      expect(rows[0]?.kept).toBe(true);
    });

  for (const tag of tags)
    it(`genexpr (${tag}): each generator expression only under the function that passes it to sum`, {
      timeout: 60_000,
    }, () => {
      const { profile, trace } = load(`genexpr.${tag}`);
      const stacks = deriveStacks(profile, { from: 'call-graph' });
      const names = trace.functions.map(([, line, name]) => `${name}@${line}`);
      const where = new Map<string, Set<string>>();
      for (const key of projected(profile, trace, stacks).keys()) {
        const ids = key.split(';').map(Number);
        const top = names[ids[ids.length - 1] as number] as string;
        if (!top.startsWith('<genexpr>')) continue;
        const set = where.get(top) ?? new Set();
        set.add(ids.map((id) => names[id]).join(';'));
        where.set(top, set);
      }
      expect(Object.fromEntries([...where].map(([k, v]) => [k, [...v].sort()]))).toEqual({
        '<genexpr>@8': ['<module>@1;main@15;squares@7;<genexpr>@8'],
        '<genexpr>@12': ['<module>@1;main@15;evens@11;<genexpr>@12'],
        '<genexpr>@25': ['<module>@1;<genexpr>@25'],
      });
    });
});
