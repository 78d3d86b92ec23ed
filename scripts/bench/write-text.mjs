// Reads one pstats dump and writes it with @pyprof/output-text (built packages) to
// /dev/null, chunk by chunk as the CLI would; prints read and write times in ms and the
// output size. Options come as JSON in argv[3], e.g. '{"style":"pstats","sort":["cumulative"]}'.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { encodeText, readWith, writeChunks } from '../../packages/core/dist/index.js';
import { cprofile } from '../../packages/input-cprofile/dist/index.js';
import { text } from '../../packages/output-text/dist/index.js';

const buffer = readFileSync(process.argv[2]);
const options = JSON.parse(process.argv[3] ?? '{}');
let start = performance.now();
const set = readWith(cprofile, new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
const readMs = performance.now() - start;
start = performance.now();
const sink = openSync('/dev/null', 'w');
let bytes = 0;
for (const chunk of writeChunks(text, set, { options })) {
  const encoded = typeof chunk === 'string' ? encodeText(chunk) : chunk;
  bytes += encoded.length;
  writeSync(sink, encoded);
}
closeSync(sink);
const writeMs = performance.now() - start;
process.stdout.write(`${readMs.toFixed(1)} ${writeMs.toFixed(1)} ${bytes}\n`);
