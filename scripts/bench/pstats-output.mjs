// Issue 22's benchmark: the 100k-function, ~1M-edge pstats dump (inputs.mjs, shared
// with pstats.mjs) converted to pstats end to end by the CLI (`pyprof convert X --to
// pstats -o Y`, for Python 3 and for Python 2), next to `pstats.Stats` of the same
// Python family reading the result back: whole processes, alternating runs, median of
// BENCH_RUNS (default 3); the in-process read and write times of the conversion; peak
// RSS (/usr/bin/time). Targets: the conversion takes at most 2 × pstats.Stats' read-back;
// peak memory ≤ 3 × input size + 100 MB (the pstats reader's budget).
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  cli,
  compare,
  ensureBuilt,
  measure,
  outDir,
  pstats100k,
  python,
  root,
  table,
} from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const file = await pstats100k();
ensureBuilt();
const size = statSync(file).size / 1024 / 1024;
const out = { 3: join(outDir, 'pstats-100k.py3.prof'), 2: join(outDir, 'pstats-100k.py2.prof') };
const pythonOf = { 3: python('3.11.7'), 2: python('2.7.18') };

const convert = (family) => () => {
  rmSync(out[family], { force: true });
  return measure(process.execPath, [
    cli,
    'convert',
    file,
    '--to',
    'pstats',
    '--python',
    String(family),
    '-o',
    out[family],
    '--quiet',
  ]);
};
const harness = (family) => () => {
  const r = measure(process.execPath, [
    join(root, 'scripts', 'bench', 'write-pstats.mjs'),
    file,
    out[family],
    JSON.stringify({ python: String(family) }),
  ]);
  const [readMs, writeMs] = r.stdout.trim().split(' ').map(Number);
  return { ...r, parseMs: writeMs, readMs };
};
const readBack = (family) => () => {
  const code = `import pstats, sys, time
t = time.time()
s = pstats.Stats(sys.argv[1])
sys.stdout.write('%f\\n' % ((time.time() - t) * 1000))`;
  const r = measure(pythonOf[family], ['-c', code, out[family]]);
  return { ...r, parseMs: Number(r.stdout.trim()) };
};

const results = compare(
  {
    'pyprof convert --to pstats --python 3': convert(3),
    'python3.11 pstats.Stats(output)': readBack(3),
    'harness --python 3 (read, write in-process)': harness(3),
    'pyprof convert --to pstats --python 2': convert(2),
    'python2.7 pstats.Stats(output)': readBack(2),
  },
  runs,
);

console.log(`\n### pstats output: ${file} (${size.toFixed(1)} MB), median of ${runs}\n`);
console.log(
  table(
    ['tool', 'in-process', 'whole process', 'peak RSS'],
    Object.entries(results).map(([name, r]) => [
      name,
      r.parseMs === undefined ? '—' : `${(r.parseMs / 1000).toFixed(2)} s`,
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
    ]),
  ),
);
const budget = 3 * size + 100;
for (const family of [3, 2]) {
  const ours = results[`pyprof convert --to pstats --python ${family}`];
  const theirs = results[`python${family === 3 ? '3.11' : '2.7'} pstats.Stats(output)`];
  console.log(
    `\nPython ${family}: conversion ${ours.seconds.toFixed(2)} s = ${(ours.seconds / theirs.seconds).toFixed(2)} × pstats.Stats reading it back (${theirs.seconds.toFixed(2)} s; target ≤ 2 ×); output ${(statSync(out[family]).size / 1024 / 1024).toFixed(1)} MB; peak ${ours.peakMb.toFixed(0)} MB (budget 3 × ${size.toFixed(1)} + 100 = ${budget.toFixed(0)} MB)`,
  );
}
