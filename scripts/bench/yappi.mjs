// The yappi reader's benchmark: a large real .ystat (make_ystat.py: 5,000 functions in a
// wide call graph run by yappi 1.4.0 in four threads at once), read by pyprof — threads
// split back out of yappi's merged entries — and unpickled by Python with yappi's classes
// (`pickle.load`; yappi's own `YFuncStats().add(path)` is quadratic in the entries: 259 s
// for the 20,000-function file pyprof reads in 9 s), side by side: time in-process,
// whole-process wall time and peak RSS. `node scripts/bench/yappi.mjs [FUNCTIONS]`.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compare, ensureBuilt, measure, outDir, readerTable, requireTool, root } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const count = process.argv[2] ?? '5000';
const py = requireTool('/usr/bin/python3', 'Debian python3');
const file = join(outDir, `yappi-${count}.ystat`);
if (!existsSync(file)) {
  console.error(`generating ${file} …`);
  measure(py, [join(root, 'scripts', 'bench', 'make_ystat.py'), file, count]);
}
ensureBuilt();
const size = statSync(file).size / 1024 / 1024;
let shape = '';

const results = compare(
  {
    'pyprof (read, in-process harness)': () => {
      const r = measure('node', [
        join(root, 'scripts', 'bench', 'read-pickled.mjs'),
        'input-yappi',
        'yappi',
        file,
      ]);
      const [readMs, parts, functions, calls] = r.stdout.trim().split(' ');
      shape = `${parts} parts (threads); whole: ${functions} functions, ${calls} edges`;
      return { ...r, parseMs: Number(readMs) };
    },
    'python3.11 pickle.load (yappi classes)': () => {
      const code = [
        'import pickle, sys, time, yappi',
        't = time.perf_counter()',
        "pickle.load(open(sys.argv[1], 'rb'))",
        'print((time.perf_counter() - t) * 1000)',
      ].join('\n');
      const r = measure(py, ['-c', code, file]);
      return { ...r, parseMs: Number(r.stdout.trim()) };
    },
  },
  runs,
);

console.log(`\n### yappi: ${file} (${size.toFixed(1)} MB), median of ${runs}\n`);
console.log(readerTable(results));
console.log(`\n${shape}`);
