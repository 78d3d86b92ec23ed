// `pnpm bench`: every benchmark script in this folder (each prints a markdown table), or
// the ones named (`pnpm bench regression pstats`). Inputs are generated in JavaScript into
// bench-out/ (inputs.mjs); the comparisons with Python's own tools, pyprof2calltree or
// chromium skip themselves, saying why, where those are missing.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SKIPPED } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--')); // passed on, e.g. regression's --check
const benches = [
  'regression',
  'pstats',
  'callgrind',
  'speedscope',
  'stacks-truth',
  'pprof',
  'text',
  'lsprof',
  'hotshot',
  'collapsed',
  'pstats-output',
  'pickle',
  'line-profiler',
  'hostile',
  'budgets',
  'chrome-trace',
  'collapsed-output',
  'web',
].filter(
  (name) => readdirSync(here).includes(`${name}.mjs`) && (only.length === 0 || only.includes(name)),
);
let failed = 0;
const skipped = [];
for (const name of benches) {
  console.log(`\n## ${name}`);
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`), ...flags], {
    stdio: 'inherit',
  });
  if (result.status === SKIPPED) skipped.push(name);
  else if (result.status !== 0) failed++;
}
if (skipped.length) console.log(`\nskipped (a tool missing, see above): ${skipped.join(', ')}`);
process.exitCode = failed ? 1 : 0;
