// Reads one file with a built pickle-based reader and prints the read time in ms, the
// parts, and the whole's functions, edges and line rows (for line-profiler.mjs and
// yappi.mjs): `node read-pickled.mjs <package folder> <export> <file>`.
import { readFileSync } from 'node:fs';
import { readWith } from '../../packages/core/dist/index.js';

const [folder, name, file] = process.argv.slice(2);
const plugin = (await import(`../../packages/${folder}/dist/index.js`))[name];
const buffer = readFileSync(file);
const start = performance.now();
const set = readWith(plugin, new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
const ms = performance.now() - start;
const whole = set.whole;
process.stdout.write(
  `${ms.toFixed(1)} ${set.parts.length} ${whole.functions.length} ${whole.calls.length} ${whole.lines?.length ?? 0}\n`,
);
