// Where a cold pstats → callgrind conversion spends its time, phase by phase, in one fresh
// process (the CLI's path without the file handling): read, then write (naming included).
// Run `node scripts/bench/phases-callgrind.mjs [FILE]` several times: the cold pass is what
// users pay. The heap is set as the CLI sets it, from inside the process (given on the
// command line, the growth factor does not hold the young generation at its first size).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { readWith, writeChunks } from '../../packages/core/dist/index.js';
import { cprofile } from '../../packages/input-cprofile/dist/index.js';
import { callgrind } from '../../packages/output-callgrind/dist/index.js';
import { pstats100k } from './lib.mjs';

setFlagsFromString('--semi-space-growth-factor=1');
const file = process.argv[2] ?? (await pstats100k());
const t0 = performance.now();
const bytes = readFileSync(file);
const t1 = performance.now();
const set = readWith(cprofile, bytes);
const t2 = performance.now();
let size = 0;
for (const chunk of writeChunks(callgrind, set)) size += chunk.length;
const t3 = performance.now();
const ms = (a, b) => `${(b - a).toFixed(0)} ms`;
console.log(
  `load ${ms(t0, t1)} · read ${ms(t1, t2)} · write ${ms(t2, t3)} (${(size / 1e6).toFixed(1)} MB)`,
);
