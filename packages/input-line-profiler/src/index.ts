/**
 * @pyprof/input-line-profiler — reads line_profiler's `.lprof` files (`kernprof -l`,
 * `LineProfiler.dump_stats`) with @pyprof/pickle's safe reader: per-line self times and
 * hit counts of the profiled functions, nothing in the file ever imported, called or
 * instantiated. See README.md for what each number becomes and the warnings it can raise.
 */
import { defineInputPlugin } from '@pyprof/core';
import { detectLineProfiler } from './detect.js';
import { readLineProfiler } from './read.js';

export const lineProfiler = defineInputPlugin({
  name: 'line-profiler',
  title: 'line_profiler .lprof (kernprof -l)',
  extensions: ['.lprof'],
  detect: (head) => detectLineProfiler(head),
  read: (input, context) => readLineProfiler(input, context),
});

export default lineProfiler;
