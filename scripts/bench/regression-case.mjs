// One sample of one regression benchmark (regression.mjs runs it in a fresh process each
// time): reads the input file, then times the one step the benchmark names — a reader's
// `read`, or a writer's chunks after an untimed read — and prints the CPU time it took
// (user + system, all threads, in ms). CPU time rather than wall time: on a shared
// machine other jobs stretch wall time by whatever they take, CPU time much less.
import { readFileSync } from 'node:fs';
import { readWith, writeChunks } from '../../packages/core/dist/index.js';
import { collapsed } from '../../packages/input-collapsed/dist/index.js';
import { cprofile } from '../../packages/input-cprofile/dist/index.js';
import { hotshot } from '../../packages/input-hotshot/dist/index.js';
import { callgrind } from '../../packages/output-callgrind/dist/index.js';
import { pstats } from '../../packages/output-pstats/dist/index.js';
import { speedscope } from '../../packages/output-speedscope/dist/index.js';
import { text } from '../../packages/output-text/dist/index.js';

const readers = { cprofile, hotshot, collapsed };
const writers = { callgrind, speedscope, text, pstats };
const [, , reader, writer, file] = process.argv;
const buffer = readFileSync(file);
const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
const needs = writer === '-' ? { lines: true } : writers[writer].needs;
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
let start = process.cpuUsage();
const set = readWith(readers[reader], bytes, { needs });
let ms = cpuMs(start);
if (writer !== '-') {
  start = process.cpuUsage();
  let size = 0;
  for (const chunk of writeChunks(writers[writer], set)) size += chunk.length;
  ms = cpuMs(start);
  if (size === 0) throw new Error(`${writer} wrote nothing`);
}
process.stdout.write(`${ms.toFixed(1)}\n`);
