// What the budgets (issue 15, docs/decisions/0011) cost on a real large input: the
// 100k-function, 1M-edge pstats dump to text and to callgrind with this build's CLI and,
// given `--baseline <cli.js>`, with a CLI built from a commit before the budgets, median
// of 5 runs each, alternating. Wall time and CPU time (user + system, from GNU time) are
// both printed: on a machine shared with other work the CPU time is the steadier one.
// `node scripts/bench/budgets.mjs [--baseline path/to/apps/cli/dist/cli.js]`.
import { spawnSync } from 'node:child_process';
import { cli, ensureBuilt, median, pstats100k, table } from './lib.mjs';

const argv = process.argv.slice(2);
const at = argv.indexOf('--baseline');
const baseline = at >= 0 ? argv[at + 1] : undefined;
const RUNS = 5;

ensureBuilt();
const file = await pstats100k();

/** One run under GNU time: wall seconds, CPU seconds, peak RSS in MB. */
function once(cliPath, to) {
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %U %S %M', process.execPath, cliPath, 'convert', file, '--to', to, '-o', '-'],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  if (result.status !== 0) throw new Error(`${cliPath} --to ${to}: ${result.stderr.slice(-500)}`);
  const [wall, user, system, rssKb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + system, peakMb: rssKb / 1024 };
}

const builds = { 'with budgets (this build)': cli };
if (baseline) builds['before the budgets (--baseline)'] = baseline;
const rows = [];
for (const to of ['text', 'callgrind']) {
  const samples = Object.fromEntries(Object.keys(builds).map((name) => [name, []]));
  for (let k = 0; k < RUNS; k++) {
    for (const [name, path] of Object.entries(builds)) samples[name].push(once(path, to));
  }
  for (const [name, list] of Object.entries(samples)) {
    rows.push([
      `pstats-100k → ${to}`,
      name,
      `${median(list.map((s) => s.wall)).toFixed(2)} s`,
      `${median(list.map((s) => s.cpu)).toFixed(2)} s`,
      `${median(list.map((s) => s.peakMb)).toFixed(0)} MB`,
    ]);
  }
}
console.log(`\n### budgets' cost: median of ${RUNS}\n`);
console.log(table(['input', 'build', 'wall time', 'CPU time', 'peak RSS'], rows));
