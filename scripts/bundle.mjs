// The JavaScript half of every package's build (`tsc --emitDeclarationOnly` writes the
// types): the package's own modules bundled into one file per entry, so Node loads one
// module per package instead of one per source file — the CLI starts about 20 ms sooner,
// a fifth of its start-up (docs/decisions/0006-one-module-per-package.md). Every bare
// import (`@pyprof/core`, `node:fs`, other dependencies) stays an import: packages are
// never bundled into each other, so all plugins share the one `@pyprof/core` a project
// installs, and with it its classes and brands.
//
// Run from a package folder: `node ../../scripts/bundle.mjs [name=src/file.ts …]`
// (default: `index=src/index.ts`). Writes `dist/<name>.js` and its source map.
import { readdirSync, rmSync } from 'node:fs';
import { rolldown } from 'rolldown';

const entries = process.argv.slice(2);
const input = Object.fromEntries(
  (entries.length > 0 ? entries : ['index=src/index.ts']).map((entry) => entry.split('=')),
);
const bundle = await rolldown({
  input,
  // Only relative imports are the package's own modules.
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  platform: 'neutral',
  logLevel: 'warn',
});
// JavaScript left from an earlier build (one file per module) would still be packed.
for (const file of readdirSync('dist', { withFileTypes: true }))
  if (file.isFile() && /\.js(?:\.map)?$/.test(file.name)) rmSync(`dist/${file.name}`);
await bundle.write({
  dir: 'dist',
  format: 'esm',
  sourcemap: true,
  // The sources are published beside dist (package.json `files`), as with tsc's maps.
  sourcemapExcludeSources: true,
  entryFileNames: '[name].js',
  chunkFileNames: 'chunk-[name].js',
});
await bundle.close();
