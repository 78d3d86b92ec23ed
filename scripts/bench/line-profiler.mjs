// The line_profiler reader's benchmark: a large .lprof written by line_profiler's own
// LineStats and pickling (make_lprof.py: 100,000 functions, about 1.2 million line
// entries, made-up numbers), read by pyprof and loaded by line_profiler's own `load_stats`,
// side by side — time in-process, whole-process wall time and peak RSS.
// `node scripts/bench/line-profiler.mjs [FUNCTIONS]`.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compare, ensureBuilt, measure, outDir, readerTable, requireTool, root } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const count = process.argv[2] ?? '100000';
const py = requireTool('/usr/bin/python3', 'Debian python3');
const file = join(outDir, `line-profiler-${count}.lprof`);
if (!existsSync(file)) {
  console.error(`generating ${file} …`);
  measure(py, [join(root, 'scripts', 'bench', 'make_lprof.py'), file, count]);
}
ensureBuilt();
const size = statSync(file).size / 1024 / 1024;
let shape = '';

const results = compare(
  {
    'pyprof (read, in-process harness)': () => {
      const r = measure('node', [
        join(root, 'scripts', 'bench', 'read-pickled.mjs'),
        'input-line-profiler',
        'lineProfiler',
        file,
      ]);
      const [readMs, , functions, , lines] = r.stdout.trim().split(' ');
      shape = `${functions} functions, ${lines} line rows`;
      return { ...r, parseMs: Number(readMs) };
    },
    'python3.11 line_profiler.load_stats': () => {
      const code = [
        'import sys, time',
        'from line_profiler import load_stats',
        't = time.perf_counter()',
        'load_stats(sys.argv[1])',
        'print((time.perf_counter() - t) * 1000)',
      ].join('\n');
      const r = measure(py, ['-c', code, file]);
      return { ...r, parseMs: Number(r.stdout.trim()) };
    },
  },
  runs,
);

console.log(`\n### line_profiler: ${file} (${size.toFixed(1)} MB), median of ${runs}\n`);
console.log(readerTable(results));
console.log(`\n${shape}`);
