// Builds the static site into dist/ (run by turbo as this package's `build`):
//   dist/index.html       the page, with its script and the worker's source inline (one file
//                         that works from file:// and from any static host)
//   dist/speedscope/      the speedscope app of the `speedscope` npm package, its index.html
//                         given a Content-Security-Policy and the profile receiver
// The worker bundles core and the CLI's own format list (apps/cli/src/formats.ts), so the
// page writes what the CLI writes. Both bundles are minified for the page's size budget.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const version = JSON.parse(readFileSync(join(here, '..', 'cli', 'package.json'), 'utf8')).version;

async function bundle(input) {
  const build = await rolldown({
    input: join(here, 'src', input),
    platform: 'browser',
    logLevel: 'warn',
    transform: { define: { PYPROF_VERSION: JSON.stringify(version) } },
  });
  const { output } = await build.generate({ format: 'iife', minify: true });
  await build.close();
  // Inline in <script>: no `</script` may end the element early.
  return output[0].code.replace(/<\/(script)/gi, '<\\/$1');
}

const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const [worker, page] = await Promise.all([bundle('worker.ts'), bundle('page.ts')]);
const template = readFileSync(join(here, 'src', 'index.html'), 'utf8');
writeFileSync(
  join(dist, 'index.html'),
  template.replace('/*WORKER*/', () => worker).replace('/*PAGE*/', () => page),
);

const app = join(dirname(require.resolve('speedscope/package.json')), 'dist', 'release');
const speedscope = join(dist, 'speedscope');
cpSync(app, speedscope, { recursive: true });
for (const file of readdirSync(speedscope)) {
  if (file.endsWith('.map') || file.endsWith('.txt')) rmSync(join(speedscope, file));
}
const receiver = readFileSync(join(here, 'src', 'speedscope-receiver.js'), 'utf8');
const policy =
  "default-src 'none'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval' file:; style-src 'self' 'unsafe-inline' file:; font-src 'self' file: data:; img-src 'self' file: data: blob:; connect-src 'none'; worker-src blob:; form-action 'none'; base-uri 'none'";
const index = readFileSync(join(app, 'index.html'), 'utf8').replace(
  '<head>',
  `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policy}">\n    <script>\n${receiver}</script>`,
);
writeFileSync(join(speedscope, 'index.html'), index);
