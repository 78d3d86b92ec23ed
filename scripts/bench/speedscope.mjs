// Issue 6's benchmark: the 100k-function, ~1M-edge pstats dump (inputs.mjs, shared with
// the other benchmarks) converted to speedscope end to end by the CLI
// (`pyprof convert X --to speedscope [--max-frames N] -o Y`) — whole processes, median of
// BENCH_RUNS (default 3), wall time and peak RSS (/usr/bin/time) — and what the budget
// bounds: output size, stacks written and the share of time under "(pruned)" frames. Issue
// 16's budget: at most 3 s and 3x the input + 100 MB of memory at the default budget.
// The graph is random and strongly connected, the worst case for reconstruction: its
// stacks are practically unbounded, so every budget bites.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ensureBuilt, measure, median, outDir, pstats100k, table } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const file = await pstats100k();
ensureBuilt();

const budgets = [400_000, 4_000_000];
const output = join(outDir, 'pstats-100k.speedscope.json');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const rows = [];
for (const budget of budgets) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    rmSync(output, { force: true });
    samples.push(
      measure(process.execPath, [
        cli,
        'convert',
        file,
        '--to',
        'speedscope',
        '--max-frames',
        String(budget),
        '-o',
        output,
      ]),
    );
  }
  const size = statSync(output).size;
  const written = JSON.parse(readFileSync(output, 'utf8'));
  const profile = written.profiles[0];
  const pruned = written.shared.frames.findIndex((frame) => frame.name === '(pruned)');
  let total = 0;
  let underPruned = 0;
  let deepest = 0;
  profile.samples.forEach((stack, k) => {
    total += profile.weights[k];
    if (stack.includes(pruned)) underPruned += profile.weights[k];
    deepest = Math.max(deepest, stack.length);
  });
  rows.push([
    `${budget.toLocaleString('en')}${budget === 4_000_000 ? ' (default)' : ''}`,
    `${median(samples.map((s) => s.seconds)).toFixed(2)} s`,
    `${median(samples.map((s) => s.peakMb)).toFixed(0)} MB`,
    mb(size),
    profile.samples.length.toLocaleString('en'),
    String(deepest),
    `${((100 * underPruned) / total).toFixed(1)}%`,
  ]);
}
rmSync(output, { force: true });

console.log(
  `\n### speedscope: ${file} (${mb(statSync(file).size)}), pyprof convert --to speedscope, whole processes, median of ${runs}\n`,
);
console.log(
  table(
    [
      '--max-frames',
      'wall time',
      'peak RSS',
      'output size',
      'stacks',
      'deepest',
      'time under (pruned)',
    ],
    rows,
  ),
);
