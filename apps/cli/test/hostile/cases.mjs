// The hostile set (issue 15): crafted inputs and command lines that once hung pyprof,
// filled the disk, took gigabytes or killed V8, each with the exit status it must end
// with now (the README's table). Used by the CLI test (../hostile.test.ts: exit status,
// one line, no temporary file, the previous file at the target untouched) and by
// `pnpm bench hostile` (scripts/bench/hostile.mjs: wall time and peak RSS of each). See
// README.md here for what each case is and where it comes from.
//
// A case is { name, issue, what, exit, lines?, message?, output?, make(dir) → run }:
// `exit` the status it must end with; `lines` how many lines stderr has (default 1: the
// error); `message` a regular expression stderr must match; `output: false` when the
// case names its own target. `run` is { args, stdin?, prior? }: pyprof's arguments (the
// runner adds `-o <dir>/out.txt` unless `output` is false, after writing a previous
// content there); `stdin` a file to redirect standard input from, or a function given
// the child's stdin stream that feeds it (endlessly); `prior` a file, other than
// out.txt, that must be left as it was. Inputs up to 64 KiB are committed under
// ../fixtures/hostile/ (`node make.mjs` writes them, a test checks they are current); larger ones
// are made in `dir` when the case runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  emptyListFlood,
  longString,
  nestedListOnStack,
  nestedListThroughMemo,
  stackFlood,
} from '../../../../packages/pickle/test/fixtures/hostile.mjs';
import {
  defineFile,
  defineFunction,
  EXIT,
  enter,
  gzipRepeated,
  join as joinBytes,
  Marshal,
  packed,
} from './bytes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const fixtures = join(here, '..', 'fixtures', 'hostile');
const repo = join(here, '..', '..', '..', '..');
const MiB = 1024 * 1024;

/** Exit statuses (README, apps/cli/src/exit-codes.ts). */
export const STATUS = {
  ok: 0,
  usage: 2,
  format: 3,
  malformed: 4,
  io: 8,
  limit: 9,
};

// ---- inputs --------------------------------------------------------------------------

/** A stats dict with `n` functions f0…, each (1, 1, 0.5, 0.5, {}); `body` adds more. */
function stats(n, body) {
  const m = new Marshal();
  m.dict(true);
  for (let k = 0; k < n; k++) {
    m.key('a.py', k + 1, `f${k}`);
    m.entry();
  }
  body?.(m);
  m.end();
  return m.bytes();
}

/** One function whose entry has `field` replaced by `write(m)`. */
function oneEntry(write) {
  const m = new Marshal();
  m.dict(true);
  m.key('a.py', 1, 'f');
  write(m);
  m.end();
  return m.bytes();
}

/** An entry (cc, nc, tt, ct, {}) with each number written by its own function. */
function entryWith({ cc, nc, tt, ct, callers }) {
  return (m) => {
    m.tuple(5);
    cc ? cc(m) : m.int(1);
    nc ? nc(m) : m.int(1);
    tt ? tt(m) : m.float(0.5);
    ct ? ct(m) : m.float(0.5);
    if (callers) callers(m);
    else {
      m.dict();
      m.end();
    }
  };
}

/**
 * Item 4: `callees` functions share one flagged entry tuple whose callers dict lists
 * `edges` callers: each later entry is a 5-byte `r` to it, and replaying it makes
 * `edges` call rows every time.
 */
function replayedEntry(edges, callees) {
  const m = new Marshal();
  m.dict(true);
  const keys = [];
  for (let k = 0; k < edges; k++) {
    keys.push(m.key('a.py', k + 1, `c${k}`, true));
    m.entry();
  }
  m.key('a.py', 0, 'shared');
  const shared = m.tuple(5, true);
  m.int(1);
  m.int(1);
  m.float(0.5);
  m.float(0.5);
  m.dict();
  for (const slot of keys) {
    m.ref(slot);
    m.tuple(4);
    m.int(1);
    m.int(1);
    m.float(0.1);
    m.float(0.1);
  }
  m.end();
  for (let k = 0; k < callees; k++) {
    m.key('b.py', k + 1, `g${k}`);
    m.ref(shared);
  }
  m.end();
  return m.bytes();
}

/** Item 4, the callers dict alone: flagged once, referenced by every later entry. */
function replayedCallers(edges, callees) {
  const m = new Marshal();
  m.dict(true);
  const keys = [];
  for (let k = 0; k < edges; k++) {
    keys.push(m.key('a.py', k + 1, `c${k}`, true));
    m.entry();
  }
  m.key('a.py', 0, 'first');
  m.tuple(5);
  m.int(1);
  m.int(1);
  m.float(0.5);
  m.float(0.5);
  const callers = m.dict(true);
  for (const slot of keys) {
    m.ref(slot);
    m.tuple(4);
    m.int(1);
    m.int(1);
    m.float(0.1);
    m.float(0.1);
  }
  m.end();
  for (let k = 0; k < callees; k++) {
    m.key('b.py', k + 1, `g${k}`);
    m.tuple(5);
    m.int(1);
    m.int(1);
    m.float(0.5);
    m.float(0.5);
    m.ref(callers);
  }
  m.end();
  return m.bytes();
}

/** A callers dict naming each of `callers` callers twice, alternately: new, repeat. */
function repeatedCallers(callers) {
  const m = new Marshal();
  m.dict(true);
  const keys = [];
  for (let k = 0; k < callers; k++) {
    keys.push(m.key('a.py', k + 1, `c${k}`, true));
    m.entry();
  }
  m.key('a.py', 0, 'callee');
  m.tuple(5);
  m.int(1);
  m.int(1);
  m.float(0.5);
  m.float(0.5);
  m.dict();
  for (let k = 0; k < callers; k++) {
    for (const slot of [keys[k], keys[Math.max(0, k - 1)]]) {
      m.ref(slot);
      m.tuple(4);
      m.int(1);
      m.int(1);
      m.float(0.1);
      m.float(0.1);
    }
  }
  m.end();
  m.end();
  return m.bytes();
}

/** A 3.11+ code object (`c`) whose constants are written by `consts(m)` (n of them). */
function codeObject(m, name, n, consts, flagged = false) {
  m.code('c', flagged);
  for (let k = 0; k < 5; k++) m.i32(0);
  m.code('s');
  m.i32(2);
  m.byte(0x97);
  m.byte(0x00);
  m.code('(');
  m.i32(n);
  consts(m);
  m.tuple(0); // co_names
  m.tuple(0); // co_localsplusnames
  m.code('s');
  m.i32(0); // co_localspluskinds
  m.ascii('a.py'); // co_filename
  m.ascii(name); // co_name
  m.ascii(name); // co_qualname
  m.i32(1); // co_firstlineno
  m.code('s');
  m.i32(0); // co_linetable
  m.code('s');
  m.i32(0); // co_exceptiontable
}

/**
 * The `profile` module's code-object keys, made hostile: the first code object holds a
 * tuple `shared` (written by `sharedTuple`), the second refers to it `refs` times. The
 * reader writes each code object out again, self-contained, for the pstats writer: every
 * reference to an object before it is a copy of that object.
 */
function codeObjectCopies(sharedTuple, refs) {
  const m = new Marshal();
  m.dict(true);
  let shared = -1;
  m.tuple(3);
  m.ascii('profile');
  m.int(0);
  codeObject(m, 'first', 1, () => {
    shared = sharedTuple(m);
  });
  m.entry();
  m.tuple(3);
  m.ascii('profile');
  m.int(0);
  codeObject(m, 'second', refs, () => {
    for (let k = 0; k < refs; k++) m.ref(shared);
  });
  m.entry();
  m.end();
  return m.bytes();
}

/** A flagged tuple of `n` flagged small ints; returns its slot. */
function bigTuple(n) {
  return (m) => {
    const slot = m.code('(', true);
    m.i32(n);
    for (let k = 0; k < n; k++) m.int(k, true);
    return slot;
  };
}

/** T0 = (0,), Tn = (Tn-1, Tn-1), each level flagged once and referenced once: 2^levels leaves. */
function dagTuple(levels) {
  return (m) => {
    const nest = (level) => {
      if (level === 0) {
        const slot = m.tuple(1, true);
        m.int(0);
        return slot;
      }
      const slot = m.tuple(2, true);
      const inner = nest(level - 1);
      m.ref(inner);
      return slot;
    };
    return nest(levels);
  };
}

/** Item 13: one function listed `times` times (each repeat a `duplicate-key` warning). */
function duplicateKeys(times) {
  const m = new Marshal();
  m.dict(true);
  const key = m.key('a.py', 1, 'f', true);
  m.entry();
  for (let k = 1; k < times; k++) {
    m.ref(key);
    m.entry();
  }
  m.end();
  return m.bytes();
}

/**
 * Item 6, gzipped: a pstats dump whose one key's file name is `mib` MiB of `byte`, as a
 * Python 3 `u` string (or, `python2`, a Python 2 `s` string). The name is a gzip member
 * of 1 MiB repeated (members join into one stream), so it is made in milliseconds.
 */
function longNameGzip(mib, byte, python2 = false) {
  const length = mib * MiB;
  const head = python2
    ? Uint8Array.from([0x7b, 0x28, 3, 0, 0, 0, 0x73, ...i32(length)])
    : Uint8Array.from([0xfb, 0x29, 3, 0x75, ...i32(length)]);
  const tail = python2
    ? Uint8Array.from([
        0x69, 1, 0, 0, 0, 0x74, 1, 0, 0, 0, 0x66, 0x28, 5, 0, 0, 0, 0x69, 1, 0, 0, 0, 0x69, 1, 0, 0,
        0, 0x67, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0x67, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0x7b, 0x30, 0x30,
      ])
    : (() => {
        const m = new Marshal();
        m.int(1);
        m.ascii('f');
        m.entry();
        m.end();
        return m.bytes();
      })();
  return joinBytes([
    gzipRepeated(head, 1),
    gzipRepeated(new Uint8Array(MiB).fill(byte), mib),
    gzipRepeated(tail, 1),
  ]);
}

function i32(v) {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** The header of a real Python 2.7 hotshot log (the leading ADD_INFO, FRAME_TIMES, LINE_TIMES records). */
export function hotshotHeader() {
  const real = readRepoFile('packages/input-hotshot/test/fixtures/hotshot/py27/decorators.hotshot');
  let p = 0;
  const packedAt = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = real[p++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return value;
    }
  };
  for (;;) {
    const b = real[p];
    if (b === 0x13) {
      p++;
      for (let field = 0; field < 2; field++) {
        const length = packedAt();
        p += length;
      }
    } else if (b === 0x53 || b === 0x33) p += 2;
    else return real.subarray(0, p);
  }
}

/** File 0 `a.py` and functions (0, 1…n) named f1…fn. */
function hotshotDefinitions(n) {
  const parts = [defineFile(0, 'a.py')];
  for (let k = 1; k <= n; k++) parts.push(defineFunction(0, k, `f${k}`));
  return Uint8Array.from(parts.flat());
}

/**
 * Item 2: one function entered `depth` times without returning, a microsecond apart (so
 * every frame has time of its own), then every frame exits.
 */
function deepHotshot(depth) {
  const body = new Uint8Array(depth * 4);
  for (let k = 0; k < depth; k++) body.set(enter(0, 1, 1), 3 * k);
  body.fill(EXIT, 3 * depth);
  return joinBytes([hotshotHeader(), hotshotDefinitions(1), body]);
}

/**
 * A hotshot body of calls that never repeats a stack: 64 functions, each calling each
 * (64 × 64 distinct two-frame stacks), over and over. Repeated, it is a valid endless
 * log; its first pass already makes 4,096 call-tree nodes.
 */
function fanOutHotshot() {
  const parts = [];
  for (let a = 1; a <= 64; a++) {
    parts.push(...enter(0, a));
    for (let b = 1; b <= 64; b++) parts.push(...enter(0, b), EXIT);
    parts.push(EXIT);
  }
  return Uint8Array.from(parts);
}

function readRepoFile(path) {
  return new Uint8Array(readFileSync(join(repo, path)));
}

/** A file made once per run, in `dir`. */
function made(dir, name, bytes) {
  const path = join(dir, name);
  writeFileSync(path, typeof bytes === 'function' ? bytes() : bytes);
  return path;
}

/**
 * A character device `name` in `dir` with the numbers of Linux's `/dev/zero` (1, 5) or
 * `/dev/urandom` (1, 9), made with mknod(1) (root only): the cases read a device of
 * their own, never the system's.
 */
function device(dir, name, minor) {
  const path = join(dir, name);
  const made = spawnSync('mknod', [path, 'c', '1', String(minor)], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mknod ${path}: ${made.stderr || made.error}`);
  return path;
}
const ZERO = 5;
const URANDOM = 9;

/** A committed fixture (small inputs), made by make.mjs with `bytes`. */
function fixture(name, bytes) {
  return { name, bytes };
}

/** Feeds `first`, then `filler` forever, until the reader goes away. */
function endless(first, filler) {
  return (stream) => {
    let stopped = false;
    stream.on('error', () => {
      stopped = true;
    });
    stream.on('close', () => {
      stopped = true;
    });
    const pushMore = () => {
      while (!stopped) {
        if (!stream.write(filler)) {
          stream.once('drain', pushMore);
          return;
        }
      }
    };
    stream.write(first);
    pushMore();
  };
}

// ---- the committed fixtures ----------------------------------------------------------

/** Every committed fixture: name → bytes (make.mjs writes them; the test checks them). */
export const FIXTURES = [
  fixture('long-2001-digits-line.prof', () =>
    stats(0, (m) => {
      m.tuple(3);
      m.ascii('a.py');
      m.long(2001);
      m.ascii('f');
      m.entry();
    }),
  ),
  fixture('long-5-digits-count.prof', () => oneEntry(entryWith({ nc: (m) => m.long(5) }))),
  fixture('long-100-digits-caller.prof', () =>
    stats(1, (m) => {
      m.key('a.py', 50, 'callee');
      m.tuple(5);
      m.int(1);
      m.int(1);
      m.float(0.5);
      m.float(0.5);
      m.dict();
      m.key('a.py', 1, 'f0');
      m.tuple(4);
      m.long(100);
      m.int(1);
      m.float(0.1);
      m.float(0.1);
      m.end();
    }),
  ),
  fixture('negative-time.prof', () => oneEntry(entryWith({ tt: (m) => m.float(-5) }))),
  fixture('infinite-time.prof', () =>
    oneEntry(entryWith({ ct: (m) => m.float(Number.POSITIVE_INFINITY) })),
  ),
  fixture('nan-time.prof', () => oneEntry(entryWith({ tt: (m) => m.float(Number.NaN) }))),
  fixture('negative-infinite-caller-time.prof', () =>
    stats(1, (m) => {
      m.key('a.py', 50, 'callee');
      m.tuple(5);
      m.int(1);
      m.int(1);
      m.float(0.5);
      m.float(0.5);
      m.dict();
      m.key('a.py', 1, 'f0');
      m.tuple(4);
      m.int(1);
      m.int(1);
      m.float(0.1);
      m.float(Number.NEGATIVE_INFINITY);
      m.end();
    }),
  ),
  fixture('negative-count.prof', () => oneEntry(entryWith({ nc: (m) => m.int(-3) }))),
  fixture('code-object-dag-copies.prof', () => codeObjectCopies(dagTuple(60), 1)),
  fixture('hotshot-name-100MB.hotshot', () =>
    joinBytes([
      hotshotHeader(),
      Uint8Array.from([0x43, 0, 1, ...packed(100 * MiB)]),
      new Uint8Array(1000).fill(0x41),
    ]),
  ),
  fixture('deep-999999.hotshot.gz', () => gzipRepeated(deepHotshot(999_999), 1)),
  fixture('deep-40000.hotshot.gz', () => gzipRepeated(deepHotshot(40_000), 1)),
  fixture('not-gzip-inside.prof.gz', () =>
    Uint8Array.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3]),
  ),
];

const fixturePath = (name) => join(fixtures, name);

// ---- the cases -----------------------------------------------------------------------

const BAD = 'packages/input-cprofile/test/fixtures/bad';

export const CASES = [
  // Item 3: marshal longs, once quadratic, with all their digits in the message.
  {
    name: 'long-100k-digits',
    issue: 3,
    what: 'a 200 KB pstats dump whose call count is a long (`l`) of 100,000 digits',
    exit: STATUS.malformed,
    message: /a long of 100,000 digits/,
    make: (dir) => ({
      args: [
        made(dir, 'long.prof', oneEntry(entryWith({ cc: (m) => m.long(100_000) }))),
        '--to',
        'text',
      ],
    }),
  },
  {
    name: 'long-300k-digits',
    issue: 3,
    what: 'the same with 300,000 digits (600 KB)',
    exit: STATUS.malformed,
    message: /a long of 300,000 digits/,
    make: (dir) => ({
      args: [
        made(dir, 'long.prof', oneEntry(entryWith({ cc: (m) => m.long(300_000) }))),
        '--to',
        'text',
      ],
    }),
  },
  {
    name: 'long-2001-digits-line',
    issue: 3,
    what: 'a line number that is a long of 2,001 digits, one above the most a long may have',
    exit: STATUS.malformed,
    message: /a long of 2,001 digits/,
    make: () => ({ args: [fixturePath('long-2001-digits-line.prof'), '--to', 'text'] }),
  },
  {
    name: 'long-5-digits-count',
    issue: 3,
    what: 'a call count of 5 digits (75 bits): too large, said in a few words',
    exit: STATUS.malformed,
    message: /call count is too large \(an integer of about 23 decimal digits\)/,
    make: () => ({ args: [fixturePath('long-5-digits-count.prof'), '--to', 'text'] }),
  },
  {
    name: 'long-100-digits-caller',
    issue: 3,
    what: 'a caller call count that is a long of 100 digits',
    exit: STATUS.malformed,
    message: /caller call count is too large \(an integer of about \d+ decimal digits\)/,
    make: () => ({ args: [fixturePath('long-100-digits-caller.prof'), '--to', 'text'] }),
  },
  // Item 4: references replayed in full.
  {
    name: 'entry-replayed-10000',
    issue: 4,
    what: 'one flagged entry tuple with 10,000 callers, referenced again by 10,000 later `r` records (about 1 MB)',
    exit: STATUS.limit,
    message: /table rows .* more than 0\.5 per byte/,
    make: (dir) => ({
      args: [made(dir, 'replay.prof', () => replayedEntry(10_000, 10_000)), '--to', 'text'],
    }),
  },
  {
    name: 'entry-replayed-2.3MB',
    issue: 4,
    what: 'the same, 40,000 callers and 40,000 references (about 2.3 MB)',
    exit: STATUS.limit,
    message: /table rows .* more than 0\.5 per byte/,
    make: (dir) => ({
      args: [made(dir, 'replay.prof', () => replayedEntry(40_000, 40_000)), '--to', 'callgrind'],
    }),
  },
  {
    name: 'callers-replayed',
    issue: 4,
    what: 'one flagged callers dict of 10,000 callers, referenced by 10,000 entries',
    exit: STATUS.limit,
    message: /table rows .* more than 0\.5 per byte/,
    make: (dir) => ({
      args: [made(dir, 'replay.prof', () => replayedCallers(10_000, 10_000)), '--to', 'text'],
    }),
  },
  {
    name: 'callers-repeated-interleaved',
    issue: 4,
    what: 'a callers dict naming 30,000 callers twice each, alternately new and repeated (each repeat once rebuilt an index of every call)',
    exit: STATUS.ok,
    lines: 2,
    message: /duplicate-key\] \(and 29,999 more like it\)/,
    make: (dir) => ({
      args: [made(dir, 'repeat.prof', () => repeatedCallers(30_000)), '--to', 'text'],
    }),
  },
  {
    name: 'marshal-dag-bomb-callers',
    issue: 4,
    what: "the corpus's 2**60-leaf DAG as a caller value (bad/marshal-dag-bomb-callers.prof)",
    exit: STATUS.malformed,
    make: () => ({ args: [join(repo, BAD, 'marshal-dag-bomb-callers.prof'), '--to', 'text'] }),
  },
  {
    name: 'marshal-self-referencing-tuple',
    issue: 4,
    what: "the corpus's tuple that contains itself (bad/marshal-self-referencing-tuple.prof)",
    exit: STATUS.malformed,
    make: () => ({
      args: [join(repo, BAD, 'marshal-self-referencing-tuple.prof'), '--to', 'text'],
    }),
  },
  {
    name: 'code-object-copies',
    issue: 4,
    what: "a `profile` dump whose second code object refers 20,000 times to a 20,000-item tuple of the first (the code objects' self-contained copies would be 2 GB)",
    exit: STATUS.ok,
    // The pstats writer says the second code object was not kept (the copy was refused).
    lines: 3,
    message: /key "<code object second .*the input did not keep its code object/,
    make: (dir) => ({
      args: [
        made(dir, 'code.prof', () => codeObjectCopies(bigTuple(20_000), 20_000)),
        '--to',
        'pstats',
      ],
    }),
  },
  {
    name: 'code-object-dag-copies',
    issue: 4,
    what: 'a code object referring to a 2**60-leaf DAG of tuples in the one before it',
    exit: STATUS.ok,
    lines: 3,
    message: /key "<code object second .*the input did not keep its code object/,
    make: () => ({ args: [fixturePath('code-object-dag-copies.prof'), '--to', 'pstats'] }),
  },
  {
    name: 'marshal-nested-tuple-bomb',
    issue: 4,
    what: "the corpus's 100,000 nested tuples (bad/marshal-nested-tuple-bomb.prof)",
    exit: STATUS.malformed,
    make: () => ({ args: [join(repo, BAD, 'marshal-nested-tuple-bomb.prof'), '--to', 'text'] }),
  },
  // Item 5: gzip inflated completely before anything looked at it.
  {
    name: 'zeros-8GiB.prof.gz',
    issue: 5,
    what: 'an 8 MB gzip of 8 GiB of zeros, named .prof',
    exit: STATUS.limit,
    message: /larger than 128 MiB .*--max-input/,
    make: (dir) => ({
      args: [
        made(dir, 'zeros.prof', () => gzipRepeated(new Uint8Array(64 * MiB), 128)),
        '--to',
        'text',
      ],
    }),
  },
  {
    name: 'zeros-8GiB.pickle',
    issue: 5,
    what: 'the same, named .pickle',
    exit: STATUS.limit,
    message: /larger than 128 MiB/,
    make: (dir) => ({
      args: [
        made(dir, 'zeros.pickle', () => gzipRepeated(new Uint8Array(64 * MiB), 128)),
        '--to',
        'text',
      ],
    }),
  },
  {
    name: 'pstats-then-zeros.gz',
    issue: 5,
    what: 'a gzip of a pstats dump start followed by 1 GiB of zeros',
    exit: STATUS.limit,
    make: (dir) => ({
      args: [
        made(dir, 'zeros.prof', () =>
          joinBytes([
            gzipRepeated(stats(1).subarray(0, 20), 1),
            gzipRepeated(new Uint8Array(64 * MiB), 16),
          ]),
        ),
        '--to',
        'text',
      ],
    }),
  },
  {
    name: 'hotshot-endless.gz',
    issue: 5,
    what: 'a gzip of a valid hotshot log whose calls go on for 1 GiB (streamed: stops at the budget)',
    exit: STATUS.limit,
    message: /larger than 128 MiB/,
    make: (dir) => {
      const body = fanOutHotshot();
      const copies = Math.ceil((16 * MiB) / body.length);
      const block = new Uint8Array(body.length * copies);
      for (let k = 0; k < copies; k++) block.set(body, k * body.length);
      return {
        args: [
          made(dir, 'endless.hotshot', () =>
            joinBytes([
              gzipRepeated(joinBytes([hotshotHeader(), hotshotDefinitions(64)]), 1),
              gzipRepeated(block, 64),
            ]),
          ),
          '--to',
          'callgrind',
        ],
      };
    },
  },
  {
    name: 'hotshot-fan-out.gz',
    issue: 5,
    what: 'a 60 KB gzip of a hotshot log of 64 × 64 distinct stacks repeated 4,096 times over under ever new parents: each call a new call-tree node',
    exit: STATUS.limit,
    message: /table rows/,
    make: (dir) => {
      // Every pass under a new outermost function (4,096 of them): new nodes every time.
      const parts = [hotshotHeader(), hotshotDefinitions(64)];
      const inner = fanOutHotshot();
      const passes = [];
      for (let top = 0; top < 4096; top++) {
        passes.push(
          Uint8Array.from([...enter(1 + (top >> 7), 1 + (top & 127))]),
          inner,
          Uint8Array.of(EXIT),
        );
      }
      return {
        args: [
          made(dir, 'fan.hotshot', () => gzipRepeated(joinBytes([...parts, ...passes]), 1)),
          '--to',
          'speedscope',
        ],
      };
    },
  },
  {
    name: 'collapsed-endless.gz',
    issue: 5,
    what: 'a gzip of one collapsed line repeated for 1 GiB (streamed: stops at the budget)',
    exit: STATUS.limit,
    message: /larger than 128 MiB/,
    make: (dir) => {
      const line = Buffer.from('main;work;leaf 1\n');
      const block = Buffer.alloc(line.length * Math.ceil((16 * MiB) / line.length));
      for (let at = 0; at < block.length; at += line.length) line.copy(block, at);
      return { args: [made(dir, 'endless.folded', () => gzipRepeated(block, 64)), '--to', 'text'] };
    },
  },
  {
    name: 'not-gzip-inside.prof.gz',
    issue: 13,
    what: 'gzip magic followed by bytes that are no deflate stream: one message naming the file once',
    exit: STATUS.malformed,
    message:
      /^[^:]*not-gzip-inside\.prof\.gz: gzip-compressed, but cannot be unpacked: [^/]*\[gzip\/MALFORMED_INPUT\]\n$/,
    make: () => ({ args: [fixturePath('not-gzip-inside.prof.gz'), '--to', 'text'] }),
  },
  // Item 6: one huge string.
  {
    name: 'name-100MB-controls',
    issue: 6,
    what: 'a 100 KB gzip holding a pstats key whose file name is 100 MB of control characters',
    exit: STATUS.limit,
    message: /a string of 100 MiB/,
    make: (dir) => ({
      args: [made(dir, 'name.prof', () => longNameGzip(100, 0x01)), '--to', 'text'],
    }),
  },
  {
    name: 'name-over-v8-limit',
    issue: 6,
    what: "a gzip of a name longer than V8's longest string (600 MB)",
    exit: STATUS.limit,
    make: (dir) => ({
      args: [made(dir, 'huge.prof', () => longNameGzip(600, 0x61)), '--to', 'text'],
    }),
  },
  {
    name: 'name-200MB-invalid-utf8',
    issue: 6,
    what: 'a gzip of a Python 2 dump whose file name is 200 MB of 0xFF (invalid UTF-8)',
    exit: STATUS.limit,
    make: (dir) => ({
      args: [made(dir, 'name.prof', () => longNameGzip(200, 0xff, true)), '--to', 'text'],
    }),
  },
  {
    name: 'name-100MB-invalid-utf8-raised',
    issue: 6,
    what: 'a 100 MB name of invalid UTF-8 with the input budget raised: refused by the string budget, not decoded',
    exit: STATUS.limit,
    message: /a string of 100 MiB/,
    make: (dir) => ({
      args: [
        made(dir, 'name.prof', () => longNameGzip(100, 0xff, true)),
        '--to',
        'text',
        '--max-input',
        '1GiB',
      ],
    }),
  },
  {
    name: 'hotshot-name-100MB',
    issue: 6,
    what: 'a hotshot DEFINE_FUNC record declaring a 100 MB name (refused from its length, nothing gathered)',
    exit: STATUS.limit,
    message: /a record's name of 100 MiB/,
    make: () => ({ args: [fixturePath('hotshot-name-100MB.hotshot'), '--to', 'text'] }),
  },
  {
    name: 'collapsed-frame-2MB',
    issue: 6,
    what: 'a collapsed line whose one frame is 2 MB long',
    exit: STATUS.limit,
    message: /a frame of 2 MiB/,
    make: (dir) => ({
      args: [
        made(dir, 'frame.folded', () =>
          Buffer.concat([Buffer.alloc(2 * MiB, 0x61), Buffer.from(' 1\n')]),
        ),
        '--to',
        'text',
      ],
    }),
  },
  {
    name: 'collapsed-line-20MB',
    issue: 6,
    what: 'a gzip of one 20 MB line without a newline',
    exit: STATUS.malformed,
    message: /line longer than/,
    make: (dir) => ({
      args: [
        made(dir, 'line.folded', () => gzipRepeated(new Uint8Array(20 * MiB).fill(0x61), 1)),
        '--to',
        'text',
      ],
    }),
  },
  // Item 7: devices and endless standard input.
  {
    name: 'zero device --from cprofile',
    issue: 7,
    what: 'reading a zero device (made in the folder) as a pstats dump',
    exit: STATUS.limit,
    make: (dir) => ({ args: [device(dir, 'zero', ZERO), '--from', 'cprofile', '--to', 'text'] }),
  },
  {
    name: 'urandom device --from cprofile',
    issue: 7,
    what: 'reading a urandom device (made in the folder) as a pstats dump',
    exit: STATUS.limit,
    make: (dir) => ({
      args: [device(dir, 'urandom', URANDOM), '--from', 'cprofile', '--to', 'text'],
    }),
  },
  {
    name: 'urandom device',
    issue: 7,
    what: 'reading a urandom device: detection looks at the first 4 KiB and stops',
    exit: STATUS.format,
    make: (dir) => ({ args: [device(dir, 'urandom', URANDOM), '--to', 'text'] }),
  },
  {
    name: 'zero device --from hotshot',
    issue: 7,
    what: 'reading a zero device as a hotshot log (streamed; the first byte is wrong)',
    exit: STATUS.malformed,
    make: (dir) => ({ args: [device(dir, 'zero', ZERO), '--from', 'hotshot', '--to', 'text'] }),
  },
  {
    name: 'zero device --from collapsed',
    issue: 7,
    what: 'reading a zero device as collapsed stacks (one endless line)',
    exit: STATUS.malformed,
    make: (dir) => ({ args: [device(dir, 'zero', ZERO), '--from', 'collapsed', '--to', 'text'] }),
  },
  {
    name: 'zero device --from lsprof',
    issue: 7,
    what: 'reading a zero device as an lsprof pickle',
    exit: STATUS.limit,
    make: (dir) => ({ args: [device(dir, 'zero', ZERO), '--from', 'lsprof', '--to', 'text'] }),
  },
  {
    name: 'stdin: pstats header, endless zeros',
    issue: 7,
    what: 'standard input: the start of a pstats dump, then zeros for ever',
    exit: STATUS.limit,
    make: () => ({
      args: ['-', '--to', 'text'],
      stdin: endless(stats(1).subarray(0, 20), new Uint8Array(1 << 20)),
    }),
  },
  {
    name: 'stdin: endless hotshot',
    issue: 7,
    what: 'standard input: a valid hotshot log whose calls never end',
    exit: STATUS.limit,
    make: () => {
      const body = fanOutHotshot();
      const block = new Uint8Array(body.length * 64);
      for (let k = 0; k < 64; k++) block.set(body, k * body.length);
      return {
        args: ['-', '--to', 'callgrind'],
        stdin: endless(joinBytes([hotshotHeader(), hotshotDefinitions(64)]), block),
      };
    },
  },
  // Item 8 (budgets in @pyprof/pickle) under the pipeline's memory ceiling.
  ...[
    ['.pickle', 'lsprof'],
    ['.lprof', 'line-profiler'],
    ['.ystat', 'yappi'],
  ].map(([extension, format]) => ({
    name: `empty-list-flood-20MB${extension}`,
    issue: 8,
    what: `a 20 MB pickle of empty lists named ${extension}: refused at the memory ceiling (once 2.1 GB)`,
    exit: STATUS.limit,
    message: new RegExp(`memory budget allows .*--max-input .*\\[${format}/LIMIT_EXCEEDED\\]`),
    make: (dir) => ({
      args: [made(dir, `flood${extension}`, () => emptyListFlood(20_000_000)), '--to', 'text'],
    }),
  })),
  {
    name: 'nested-list-2M.pickle',
    issue: 8,
    what: 'a list nested 2 million deep (4 MB; once 557 MB): refused by the stack cap',
    exit: STATUS.limit,
    message: /values on the pickle's stack/,
    make: (dir) => ({
      args: [made(dir, 'nested.pickle', () => nestedListOnStack(2_000_000)), '--to', 'text'],
    }),
  },
  {
    name: 'nested-list-memo-600k.pickle',
    issue: 8,
    what: 'a list nested 600,000 deep through the memo (4 MB): refused by the per-byte budget',
    exit: STATUS.limit,
    message: /memory budget allows/,
    make: (dir) => ({
      args: [made(dir, 'memo.pickle', () => nestedListThroughMemo(600_000)), '--to', 'text'],
    }),
  },
  {
    name: 'stack-flood-20M.pickle',
    issue: 8,
    what: '20 million values left on the stack (20 MB)',
    exit: STATUS.limit,
    message: /values on the pickle's stack/,
    make: (dir) => ({
      args: [made(dir, 'stack.pickle', () => stackFlood(20_000_000)), '--to', 'text'],
    }),
  },
  {
    name: 'string-100MB.pickle',
    issue: 8,
    what: 'one 100 MB string in a pickle: refused from its declared length',
    exit: STATUS.limit,
    message: /longer than the longest string/,
    make: (dir) => ({
      args: [made(dir, 'string.pickle', () => longString(100_000_000)), '--to', 'text'],
    }),
  },
  // Item 2: speedscope output quadratic in stack depth (the stacks helper's #16; the
  // output budget is the backstop until it lands).
  {
    name: 'deep-999999 to speedscope',
    issue: 2,
    what: 'a 4 KB gzipped hotshot log with a 999,999-deep stack, to speedscope (over the default --evented-limit)',
    exit: STATUS.limit,
    make: () => ({ args: [fixturePath('deep-999999.hotshot.gz'), '--to', 'speedscope'] }),
  },
  {
    name: 'deep-999999 uncompressed to speedscope',
    issue: 2,
    what: 'the same log not compressed (4 MB)',
    exit: STATUS.limit,
    make: (dir) => ({
      args: [made(dir, 'deep.hotshot', () => deepHotshot(999_999)), '--to', 'speedscope'],
    }),
  },
  {
    name: 'deep-40000 --evented-limit 0',
    issue: 2,
    what: 'a 40,000-deep log to speedscope with --evented-limit 0',
    exit: STATUS.limit,
    make: () => ({
      args: [fixturePath('deep-40000.hotshot.gz'), '--to', 'speedscope', '--evented-limit', '0'],
    }),
  },
  // Item 14: nonsense times.
  ...[
    ['negative-time', 'an own time of -5 s', /own time is -5/],
    ['infinite-time', 'a cumulative time of +inf', /cumulative time is Infinity/],
    ['nan-time', 'an own time that is NaN', /own time is NaN/],
    [
      'negative-infinite-caller-time',
      'a caller cumulative time of -inf',
      /a caller cumulative time is -Infinity/,
    ],
    ['negative-count', 'a call count of -3', /negative call count/],
  ].map(([name, what, message]) => ({
    name,
    issue: 14,
    what,
    exit: STATUS.malformed,
    message: new RegExp(`offset \\d+ \\(0x[0-9a-f]+\\): ${message.source}`),
    make: () => ({ args: [fixturePath(`${name}.prof`), '--to', 'text'] }),
  })),
  // Item 13: messages.
  {
    name: 'duplicate-keys-200000',
    issue: 13,
    what: 'one function listed 200,001 times: 200,000 warnings, one line, counted',
    exit: STATUS.ok,
    lines: 2,
    message: /duplicate-key\] \(and 199,999 more like it\)\n/,
    make: (dir) => ({
      args: [made(dir, 'dup.prof', () => duplicateKeys(200_001)), '--to', 'text'],
    }),
  },
  {
    name: '--max-depth -1',
    issue: 13,
    what: 'an option value that starts with a dash: one line, not three',
    exit: STATUS.usage,
    message: /option --max-depth needs a value/,
    make: () => ({
      args: [
        join(repo, 'examples', 'medium.py312.prof'),
        '--to',
        'speedscope',
        '--max-depth',
        '-1',
      ],
    }),
  },
  {
    name: 'control characters in a file name',
    issue: 13,
    what: 'a file named with a newline and an ANSI escape: printed escaped, on one line',
    exit: STATUS.malformed,
    message: /evil\\n\\x1b\[31mname\.prof: offset 0 \(0x0\): not a pstats dump/,
    make: (dir) => ({
      args: [made(dir, 'evil\n\x1b[31mname.prof', Buffer.from('not a profile\n')), '--to', 'text'],
    }),
  },
  {
    name: '-o a folder',
    issue: 13,
    what: "-o naming a folder: the output goes into it under the format's usual name (issue 18's -o FOLDER), no temporary path",
    exit: STATUS.ok,
    output: false,
    message: /^pyprof: wrote text to .*folder\/medium\.py312\.prof\.txt \(/,
    make: (dir) => {
      const folder = join(dir, 'folder');
      mkdirSync(folder);
      return { args: [join(repo, 'examples', 'medium.py312.prof'), '--to', 'text', '-o', folder] };
    },
  },
  {
    name: '-o under a file',
    issue: 13,
    what: "-o naming a path whose folder is a regular file: said so, not 'no such folder' (as -o /proc/version once was; no test writes at /proc)",
    exit: STATUS.io,
    output: false,
    message: /cannot write .*plain\.txt\/out\.txt: .*plain\.txt is not a folder/,
    make: (dir) => {
      const plain = made(dir, 'plain.txt', Buffer.from('a file\n'));
      return {
        args: [
          join(repo, 'examples', 'medium.py312.prof'),
          '--to',
          'text',
          '-o',
          join(plain, 'out.txt'),
        ],
        prior: plain,
      };
    },
  },
  {
    name: '--plugin data:',
    issue: 12,
    what: 'a plugin given as a data: URL',
    exit: STATUS.usage,
    message: /not a data: URL/,
    make: () => ({
      args: [
        join(repo, 'examples', 'medium.py312.prof'),
        '--to',
        'text',
        '--plugin',
        'data:text/javascript,export default 1',
      ],
    }),
  },
  // Item 10: reading and writing one file.
  {
    name: 'convert - -o f < f',
    issue: 10,
    what: 'standard input redirected from the output file',
    exit: STATUS.io,
    output: false,
    message: /standard input \(-\) is .*out\.prof; choose another -o/,
    make: (dir) => {
      const target = join(dir, 'out.prof');
      copyFileSync(join(repo, 'examples', 'medium.py312.prof'), target);
      return { args: ['-', '--to', 'pstats', '-o', target], stdin: target, prior: target };
    },
  },
];

/** Writes every committed fixture (`node make.mjs`). */
export function writeFixtures() {
  mkdirSync(fixtures, { recursive: true });
  for (const { name, bytes } of FIXTURES) writeFileSync(join(fixtures, name), bytes());
}
