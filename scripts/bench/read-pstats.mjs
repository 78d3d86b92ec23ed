// Reads one pstats dump with the built packages and prints the parse time in ms (the
// in-process counterpart of `marshal.load` / `pstats.Stats` timings in pstats.mjs).
import { readFileSync } from 'node:fs';
import { readWith } from '../../packages/core/dist/index.js';
import { cprofile } from '../../packages/input-cprofile/dist/index.js';

const buffer = readFileSync(process.argv[2]);
const start = performance.now();
const set = readWith(cprofile, new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
const ms = performance.now() - start;
process.stdout.write(`${ms.toFixed(1)} ${set.whole.functions.length} ${set.whole.calls.length}\n`);
