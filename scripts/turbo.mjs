// turbo with its anonymous telemetry off: otherwise the first run on a machine prints a
// notice and writes ~/.config/turborepo/telemetry.json, global state nobody asked for. A
// script rather than `TURBO_TELEMETRY_DISABLED=1 turbo …` in package.json, which Windows
// shells cannot run. The root scripts call turbo only through it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The workspace's own turbo, and its pnpm on the PATH for turbo (what a package manager's
// script has), so that `node scripts/turbo.mjs …` works outside one too.
const bin = fileURLToPath(new URL('../node_modules/.bin', import.meta.url));
const local = join(bin, `turbo${process.platform === 'win32' ? '.cmd' : ''}`);
const result = spawnSync(existsSync(local) ? local : 'turbo', process.argv.slice(2), {
  stdio: 'inherit',
  env: {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    TURBO_TELEMETRY_DISABLED: '1',
  },
  shell: process.platform === 'win32',
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
