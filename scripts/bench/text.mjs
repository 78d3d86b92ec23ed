// Issue 7's benchmark: the text writer on a realistic 100k-function, ~1M-edge pstats dump
// (inputs.mjs, shared with pstats.mjs), next to CPython's own pstats printing the same
// reports: write time in-process, whole-process wall time and peak RSS.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compare, measure, pstats100k, python, root, table } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const py = python('3.11.7');
const file = await pstats100k();
if (!existsSync(join(root, 'packages', 'output-text', 'dist', 'index.js'))) {
  measure('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: join(root, 'packages', 'output-text'),
  });
}
const size = statSync(file).size / 1024 / 1024;

const ours = (options) => () => {
  const r = measure('node', [
    join(root, 'scripts', 'bench', 'write-text.mjs'),
    file,
    JSON.stringify(options),
  ]);
  const [readMs, writeMs, bytes] = r.stdout.trim().split(' ').map(Number);
  return { ...r, parseMs: writeMs, readMs, bytes };
};
const theirs = (printer) => () => {
  const code = `import io, pstats, sys, time
s = pstats.Stats(sys.argv[1], stream=io.StringIO())
t = time.perf_counter()
s.sort_stats('cumulative').${printer}()
print((time.perf_counter() - t) * 1000)`;
  const r = measure(py, ['-c', code, file]);
  return { ...r, parseMs: Number(r.stdout.trim()) };
};

const results = compare(
  {
    'pyprof --style pstats --report stats': ours({ style: 'pstats', sort: ['cumulative'] }),
    'python3.11 print_stats': theirs('print_stats'),
    'pyprof --style pstats --report callers': ours({
      style: 'pstats',
      report: 'callers',
      sort: ['cumulative'],
    }),
    'python3.11 print_callers': theirs('print_callers'),
    'pyprof --style pstats --report callees': ours({
      style: 'pstats',
      report: 'callees',
      sort: ['cumulative'],
    }),
    'python3.11 print_callees': theirs('print_callees'),
    'pyprof table --report stats': ours({ sort: ['cumulative'] }),
    'pyprof table --report callers': ours({ report: 'callers', sort: ['cumulative'] }),
  },
  runs,
);

console.log(`\n### text: ${file} (${size.toFixed(1)} MB), median of ${runs}\n`);
console.log(
  table(
    ['tool', 'sort + print (in-process)', 'whole process (read + write)', 'peak RSS'],
    Object.entries(results).map(([name, r]) => [
      name,
      `${(r.parseMs / 1000).toFixed(2)} s`,
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
    ]),
  ),
);
