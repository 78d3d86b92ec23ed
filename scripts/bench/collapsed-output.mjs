// Issue 21's speed benchmark for collapsed stacks: the 100k-function, ~1M-edge pstats dump
// (inputs.mjs, shared with callgrind.mjs) converted by the CLI to collapsed stacks and
// to callgrind (`pyprof convert X --to collapsed|callgrind -o Y`): whole processes,
// alternating runs, median of BENCH_RUNS (default 5), wall time, peak RSS and output size.
// Target: collapsed in at most 2× the callgrind conversion's time.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, compare, ensureBuilt, measure, outDir, pstats100k, table } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const file = await pstats100k();
ensureBuilt();

const outputs = {
  collapsed: join(outDir, 'pstats-100k.folded'),
  callgrind: join(outDir, 'callgrind.out.collapsed-bench-100k'),
};
const sizes = {};
const run = (to) => () => {
  rmSync(outputs[to], { force: true });
  const result = measure(process.execPath, [
    cli,
    'convert',
    file,
    '--to',
    to,
    '-o',
    outputs[to],
    '--quiet',
  ]);
  sizes[to] = statSync(outputs[to]).size;
  return result;
};
const results = compare({ collapsed: run('collapsed'), callgrind: run('callgrind') }, runs);

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(
  `\n### collapsed output: ${file} (${mb(statSync(file).size)}), whole processes, median of ${runs}\n`,
);
console.log(
  table(
    ['conversion', 'wall time', 'peak RSS', 'output size'],
    Object.entries(results).map(([to, r]) => [
      `pyprof convert --to ${to}`,
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
      mb(sizes[to]),
    ]),
  ),
);
const ratio = results.collapsed.seconds / results.callgrind.seconds;
console.log(
  `\ncollapsed / callgrind: ${ratio.toFixed(2)}× (target: at most 2×): ${ratio <= 2 ? 'ok' : 'MISSED'}`,
);
