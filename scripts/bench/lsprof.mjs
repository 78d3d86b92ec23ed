// Issue 5's benchmark: a large Breezy-style lsprof pickle (protocol 2, real `_lsprof`
// records, made by a real Python's pickle, see make_lsprof.py), read by pyprof and loaded
// by Python's own unpickler (with the same stand-in Stats class), side by side: time
// in-process, whole-process wall time and peak RSS. `node scripts/bench/lsprof.mjs
// [ENTRIES]`: main-thread entries (default 50000), ~8 callees each, 4 threads of a tenth.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compare, ensureBuilt, measure, outDir, python, readerTable, root } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const entries = process.argv[2] ?? '50000';
const py = python('3.11.7');
const file = join(outDir, `lsprof-${entries}.pickle`);
if (!existsSync(file)) {
  console.error(`generating ${file} …`);
  measure(py, [join(root, 'scripts', 'bench', 'make_lsprof.py'), file, entries, '8', '4', '1']);
}
ensureBuilt();
const size = statSync(file).size / 1024 / 1024;
let shape = '';

const results = compare(
  {
    'pyprof (read, in-process harness)': () => {
      const r = measure('node', [join(root, 'scripts', 'bench', 'read-lsprof.mjs'), file]);
      const [readMs, scanMs, parts, functions, calls] = r.stdout.trim().split(' ');
      shape = `${parts} parts; whole: ${functions} functions, ${calls} edges; scan pass alone ${(Number(scanMs) / 1000).toFixed(2)} s`;
      return { ...r, parseMs: Number(readMs) };
    },
    'python3.11 pickle.load (stand-in Stats)': () => {
      const code = [
        'import pickle, sys, time, types',
        "m = types.ModuleType('breezy.lsprof')",
        "Stats = type('Stats', (object,), {'__module__': 'breezy.lsprof'})",
        "m.Stats = Stats; sys.modules['breezy'] = types.ModuleType('breezy'); sys.modules['breezy.lsprof'] = m",
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

console.log(`\n### lsprof: ${file} (${size.toFixed(1)} MB), median of ${runs}\n`);
console.log(readerTable(results));
const ours = results['pyprof (read, in-process harness)'];
console.log(`\n${shape}`);
console.log(
  `peak memory: ${ours.peakMb.toFixed(0)} MB = ${(ours.peakMb / size).toFixed(1)} × the file`,
);
