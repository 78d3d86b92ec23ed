// The regression check (`pnpm bench regression`, and CI after the hostile set): a few
// fast, representative steps on inputs made in JavaScript (inputs.mjs, no Python), each
// timed in-process (CPU time, regression-case.mjs) in a fresh Node process, median of
// BENCH_RUNS (default 5) runs.
//   node scripts/bench/regression.mjs            print the medians beside the baseline
//   node scripts/bench/regression.mjs --check    fail a step slower than THRESHOLD × baseline
//   node scripts/bench/regression.mjs --update   measure and write baseline.json
// The threshold is 2×: the baseline and CI run on shared 2-core machines where other jobs
// still move a median of CPU times by tens of percent (caches, frequency, GC threads), so
// only a step that doubles is surely a regression; a lost speed trick typically costs 2–10×
// on its step. baseline.json records where and under what load it was measured; after a
// deliberate speed change, re-measure with --update (on a quiet machine when possible).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, median, root, table } from './lib.mjs';

export const THRESHOLD = 2;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const baselineFile = join(root, 'scripts', 'bench', 'baseline.json');
const mode = process.argv[2] ?? '';
if (!['', '--check', '--update'].includes(mode)) {
  console.error('usage: regression.mjs [--check | --update]');
  process.exit(2);
}

ensureBuilt();
const { collapsedStacks, hotshotLog, pstatsDump } = await import('./inputs.mjs');
const pstatsFile = pstatsDump(20_000, 200_000, 1);
/** name → [reader, writer or '-', input file]: the steps, chosen to cover each hot path. */
const steps = {
  'read pstats (20k functions, 200k edges)': ['cprofile', '-', pstatsFile],
  'write callgrind': ['cprofile', 'callgrind', pstatsFile],
  'write speedscope (stacks rebuilt, 5k functions, 50k edges)': [
    'cprofile',
    'speedscope',
    pstatsDump(5_000, 50_000, 1),
  ],
  'write text': ['cprofile', 'text', pstatsFile],
  'write pstats': ['cprofile', 'pstats', pstatsFile],
  'read hotshot (1M records, lines)': ['hotshot', '-', hotshotLog(2000, 1_000_000, 1)],
  'read collapsed (20k stacks)': ['collapsed', '-', collapsedStacks(2000, 20_000, 1)],
};

const samples = Object.fromEntries(Object.keys(steps).map((name) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(steps)) {
    const result = spawnSync(
      process.execPath,
      [join(root, 'scripts', 'bench', 'regression-case.mjs'), ...args],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`${name}: ${result.stderr.slice(-2000)}`);
    samples[name].push(Number(result.stdout.trim()));
  }
}
const medians = Object.fromEntries(
  Object.entries(samples).map(([name, list]) => [name, median(list)]),
);

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, load ${loadavg()[0].toFixed(1)}`;
if (mode === '--update') {
  const baseline = {
    measured: new Date().toISOString().slice(0, 10),
    machine,
    runs,
    medianMs: Object.fromEntries(Object.entries(medians).map(([n, ms]) => [n, Math.round(ms)])),
  };
  writeFileSync(baselineFile, `${JSON.stringify(baseline, null, 2)}\n`);
}
const baseline = JSON.parse(readFileSync(baselineFile, 'utf8'));
let passed = 0;
let failed = 0;
const rows = Object.entries(medians).map(([name, ms]) => {
  const base = baseline.medianMs[name];
  const ratio = base ? ms / base : Number.NaN;
  const ok = base !== undefined && ratio <= THRESHOLD;
  if (ok) passed++;
  else failed++;
  const verdict = base === undefined ? 'no baseline' : ok ? 'ok' : 'REGRESSED';
  return [
    name,
    base === undefined ? '—' : `${base} ms`,
    `${ms.toFixed(0)} ms`,
    `${ratio.toFixed(2)}×`,
    verdict,
  ];
});
console.log(`\n### regression check: median of ${runs}, threshold ${THRESHOLD}× baseline\n`);
console.log(table(['step', 'baseline', 'now', 'ratio', ''], rows));
console.log(`\nbaseline: ${baseline.machine} (${baseline.measured}); now: ${machine}`);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
if (mode === '--check' && failed > 0) process.exitCode = 1;
