// `pnpm bench`: every benchmark script in this folder (each prints a markdown table).
// Needs the pyenv interpreters (see lib.mjs); generated inputs go to bench-out/.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = [
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
for (const name of benches) {
  console.log(`\n## ${name}`);
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
