// Reads one profile with the built packages and writes it with @pyprof/output-pstats,
// chunk by chunk as the CLI would, into a file (argv[3]); prints read and write times in
// ms and the output size. Options come as JSON in argv[4], e.g. '{"python":"2"}'.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { readWith, writeChunks } from '../../packages/core/dist/index.js';
import { cprofile } from '../../packages/input-cprofile/dist/index.js';
import { pstats } from '../../packages/output-pstats/dist/index.js';

const buffer = readFileSync(process.argv[2]);
const options = JSON.parse(process.argv[4] ?? '{}');
let start = performance.now();
const set = readWith(cprofile, new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
const readMs = performance.now() - start;
start = performance.now();
const sink = openSync(process.argv[3], 'w');
let bytes = 0;
for (const chunk of writeChunks(pstats, set, { options })) {
  bytes += chunk.length;
  writeSync(sink, chunk);
}
closeSync(sink);
const writeMs = performance.now() - start;
process.stdout.write(`${readMs.toFixed(1)} ${writeMs.toFixed(1)} ${bytes}\n`);
