// Issue 2's benchmark: a realistic 100k-function, ~1M-edge pstats dump (generated in
// JavaScript, see inputs.mjs), read by pyprof and by Python's own tools, side
// by side on the same file: parse time in-process, whole-process wall time and peak RSS.
// Targets: parse no slower than pstats.Stats; peak memory ≤ 3 × file size + 100 MB.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, compare, ensureBuilt, measure, pstats100k, python, root, table } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const py = python('3.11.7');
const file = await pstats100k();
ensureBuilt();
const size = statSync(file).size / 1024 / 1024;
const timed = (code) => (args) => {
  const r = measure(py, ['-c', code, ...args]);
  return { ...r, parseMs: Number(r.stdout.trim()) };
};
const pyTimed = (expr) =>
  timed(
    `import marshal, pstats, sys, time\nt = time.perf_counter()\n${expr}\nprint((time.perf_counter() - t) * 1000)`,
  );

const results = compare(
  {
    'pyprof (read, in-process harness)': () => {
      const r = measure('node', [
        '--max-semi-space-size=2',
        join(root, 'scripts', 'bench', 'read-pstats.mjs'),
        file,
      ]);
      return { ...r, parseMs: Number(r.stdout.split(' ')[0]) };
    },
    'pyprof info (the CLI, whole process)': () => measure('node', [cli, 'info', file]),
    'python3.11 marshal.load': () => pyTimed("marshal.load(open(sys.argv[1], 'rb'))")([file]),
    'python3.11 pstats.Stats': () => pyTimed('pstats.Stats(sys.argv[1])')([file]),
  },
  runs,
);

const budget = 3 * size + 100;
console.log(`\n### pstats: ${file} (${size.toFixed(1)} MB), median of ${runs}\n`);
console.log(
  table(
    ['tool', 'parse (in-process)', 'whole process', 'peak RSS'],
    Object.entries(results).map(([name, r]) => [
      name,
      r.parseMs === undefined ? '—' : `${(r.parseMs / 1000).toFixed(2)} s`,
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
    ]),
  ),
);
const ours = results['pyprof (read, in-process harness)'];
const cliRun = results['pyprof info (the CLI, whole process)'];
const pstatsRun = results['python3.11 pstats.Stats'];
console.log(
  `\nparse time vs pstats.Stats: ${(pstatsRun.parseMs / ours.parseMs).toFixed(1)}× faster (target ≥ 1×)`,
);
console.log(
  `peak memory: harness ${ours.peakMb.toFixed(0)} MB, CLI ${cliRun.peakMb.toFixed(0)} MB; budget 3 × ${size.toFixed(1)} + 100 = ${budget.toFixed(0)} MB`,
);
