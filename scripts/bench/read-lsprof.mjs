// Reads one lsprof pickle with the built packages and prints the read time in ms, the
// scan pass alone in ms, the parts and the whole's rows (the in-process counterpart of
// Python's `pickle.load` timing in lsprof.mjs).
import { readFileSync } from 'node:fs';
import { readWith } from '../../packages/core/dist/index.js';
import { lsprof, scanPickle } from '../../packages/input-lsprof/dist/index.js';

const buffer = readFileSync(process.argv[2]);
const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
let start = performance.now();
const set = readWith(lsprof, bytes);
const ms = performance.now() - start;
start = performance.now();
scanPickle(bytes);
const scanMs = performance.now() - start;
process.stdout.write(
  `${ms.toFixed(1)} ${scanMs.toFixed(1)} ${set.parts.length} ${set.whole.functions.length} ${set.whole.calls.length}\n`,
);
