// `pnpm bench hostile`: every case of the hostile set (apps/cli/test/hostile/cases.mjs,
// issue 15) through the real CLI, each case's wall time and peak RSS measured from
// outside (GNU time's %e and %M), against the ceilings the issue sets on this 2-core
// machine: 10 s and 300 MB. `--ceiling N` multiplies them (CI runs with 3, so noise on a
// shared machine cannot fail it but a return of the old behaviour — minutes, gigabytes —
// does); `--only TEXT` runs the cases whose name contains TEXT. Exits non-zero when a
// case is over a ceiling or ends with another status than the one documented, and ends
// with a plain `tests: N passed, N failed` line (.ci/run counts it). The CPU time (user +
// system) is printed beside the wall time: on a machine shared with other work it says
// what a case costs when the wall time says how busy the machine was.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES } from '../../apps/cli/test/hostile/cases.mjs';
import { runCase } from '../../apps/cli/test/hostile/run.mjs';
import { cli, ensureBuilt, table } from './lib.mjs';

const SECONDS = 10;
const MEGABYTES = 300;

const argv = process.argv.slice(2);
const option = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const factor = Number(option('--ceiling') ?? 1);
const only = option('--only');

ensureBuilt();
const rows = [];
let failed = 0;
let passed = 0;
const started = Date.now();
for (const testCase of CASES) {
  if (only !== undefined && !testCase.name.includes(only)) continue;
  const dir = mkdtempSync(join(tmpdir(), 'pyprof-hostile-'));
  try {
    const result = await runCase(testCase, {
      cli,
      dir,
      measure: true,
      timeout: SECONDS * factor * 1000 * 3,
    });
    const problems = [];
    if (result.status !== testCase.exit)
      problems.push(`exit ${result.status ?? result.signal}, expected ${testCase.exit}`);
    if (result.seconds > SECONDS * factor) problems.push(`over ${SECONDS * factor} s`);
    if (result.peakMb === undefined || result.peakMb > MEGABYTES * factor)
      problems.push(`over ${MEGABYTES * factor} MB`);
    if (result.leftBehind.length > 0) problems.push(`left ${result.leftBehind.join(', ')}`);
    if (problems.length > 0) failed++;
    else passed++;
    rows.push([
      testCase.name.replaceAll('|', '\\|'),
      String(testCase.issue),
      `${result.status ?? result.signal}`,
      `${result.seconds.toFixed(2)} s`,
      result.cpuSeconds === undefined ? '?' : `${result.cpuSeconds.toFixed(2)} s`,
      result.peakMb === undefined ? '?' : `${result.peakMb.toFixed(0)} MB`,
      problems.length > 0 ? `**${problems.join('; ')}**` : 'ok',
    ]);
    process.stderr.write(`${testCase.name}: ${rows.at(-1).slice(2).join(' ')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(
  `\n### hostile set: ${rows.length} cases, ceilings ${SECONDS * factor} s and ${MEGABYTES * factor} MB per case (${factor}× the issue's)\n`,
);
console.log(
  table(['case', 'issue item', 'exit', 'wall time', 'CPU time', 'peak RSS', 'result'], rows),
);
console.log(`\nwhole set: ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`tests: ${passed} passed, ${failed} failed, 0 skipped`);
process.exitCode = failed > 0 ? 1 : 0;
