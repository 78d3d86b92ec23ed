// Issue 20's benchmark, end to end by the CLI (whole processes, median of BENCH_RUNS,
// default 5; wall time and peak RSS from /usr/bin/time):
// - the 100k-function, ~1M-edge pstats dump (inputs.mjs, shared with the other
//   benchmarks) → pprof against → callgrind, alternating runs. Targets: at most 2× the
//   callgrind conversion's time; peak RSS at most 3× the input + 100 MB.
// - a 30 MB and a 300 MB default-mode hotshot log (make_hotshot.py) → pprof: the exact call
//   tree is built while the log streams, so the peaks must be within 20 MB of each other.
//   Sizes: PPROF_HOTSHOT_MB (default "30,300").
import { existsSync, rmSync, statSync } from 'node:fs';
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

const runs = Number(process.env.BENCH_RUNS ?? 5);
const file = await pstats100k();
ensureBuilt();
const mb = (bytes) =>
  bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const outputs = {
  pprof: join(outDir, 'pstats-100k.pb.gz'),
  callgrind: join(outDir, 'callgrind.out.pprof-bench-100k'),
};
const sizes = {};
const convert = (format) => () => {
  rmSync(outputs[format], { force: true });
  const result = measure(process.execPath, [
    cli,
    'convert',
    file,
    '--to',
    format,
    '-o',
    outputs[format],
  ]);
  sizes[format] = statSync(outputs[format]).size;
  return result;
};
const results = compare({ pprof: convert('pprof'), callgrind: convert('callgrind') }, runs);
const inputMb = statSync(file).size / 1024 / 1024;
console.log(
  `\n### pprof: ${file} (${mb(statSync(file).size)}), whole processes, median of ${runs}\n`,
);
console.log(
  table(
    ['pyprof convert', 'wall time', 'peak RSS', 'output size'],
    ['pprof', 'callgrind'].map((format) => [
      `--to ${format}`,
      `${results[format].seconds.toFixed(2)} s`,
      `${results[format].peakMb.toFixed(0)} MB`,
      mb(sizes[format]),
    ]),
  ),
);
const ratio = results.pprof.seconds / results.callgrind.seconds;
const memoryLimit = 3 * inputMb + 100;
console.log(
  `\npprof takes ${ratio.toFixed(2)}× the callgrind conversion's time (target ≤ 2×): ${ratio <= 2 ? 'ok' : 'MISSED'}`,
);
console.log(
  `pprof peak RSS ${results.pprof.peakMb.toFixed(0)} MB, limit 3 × ${inputMb.toFixed(0)} MB + 100 MB = ${memoryLimit.toFixed(0)} MB: ${results.pprof.peakMb <= memoryLimit ? 'ok' : 'MISSED'}`,
);
for (const path of Object.values(outputs)) rmSync(path, { force: true });

// Hotshot logs, streamed.
const sizesMb = (process.env.PPROF_HOTSHOT_MB ?? '30,300').split(',').map(Number);
const py27 = python('2.7.18');
const output = join(outDir, 'hotshot.pb.gz');
const memory = sizesMb.map((size) => {
  const log = join(outDir, `hotshot-default-${size}mb.hotshot`);
  if (!existsSync(log)) {
    console.error(`generating ${log} …`);
    measure(py27, [
      join(root, 'scripts', 'bench', 'make_hotshot.py'),
      log,
      String(size),
      'default',
    ]);
  }
  const r = compare(
    {
      pprof: () => {
        rmSync(output, { force: true });
        // A 300 MB log passes the default 128 MiB input budget (decision 0011).
        return measure(process.execPath, [
          cli,
          'convert',
          log,
          '--to',
          'pprof',
          '--max-input',
          '4GiB',
          '-o',
          output,
        ]);
      },
    },
    runs,
  ).pprof;
  return { size: statSync(log).size / 1024 / 1024, output: statSync(output).size, ...r };
});
rmSync(output, { force: true });
console.log(`\n### pprof: hotshot logs (default mode) → pprof, median of ${runs}\n`);
console.log(
  table(
    ['log size', 'wall time', 'peak RSS', 'output size'],
    memory.map((m) => [
      `${m.size.toFixed(0)} MB`,
      `${m.seconds.toFixed(2)} s`,
      `${m.peakMb.toFixed(0)} MB`,
      mb(m.output),
    ]),
  ),
);
if (memory.length >= 2) {
  const small = memory[0];
  const big = memory[memory.length - 1];
  const difference = Math.abs(big.peakMb - small.peakMb);
  console.log(
    `\npeak RSS ${small.size.toFixed(0)} MB log vs ${big.size.toFixed(0)} MB log: differ by ${difference.toFixed(0)} MB (target ≤ 20 MB): ${difference <= 20 ? 'ok' : 'MISSED'}`,
  );
}
