// The fallback converter of convert-callgrind.sh: pstats → callgrind with the built
// packages' dist folders.
//   node convert-callgrind.mjs INPUT OUTPUT [key=value…]
import { readFileSync, writeFileSync } from 'node:fs';

const packages = new URL('../../packages/', import.meta.url);
const load = (name) => import(new URL(`${name}/dist/index.js`, packages).href);
const { readWith, writeToBytes } = await load('core');
const { cprofile } = await load('input-cprofile');
const { callgrind } = await load('output-callgrind');

const [input, output, ...pairs] = process.argv.slice(2);
const options = Object.fromEntries(
  pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
);
const set = readWith(cprofile, new Uint8Array(readFileSync(input)), { fileName: input });
const bytes = writeToBytes(callgrind, set, {
  options,
  context: { producer: 'pyprof', warn: (d) => process.stderr.write(`warning: ${d.message}\n`) },
});
writeFileSync(output, bytes);
