/**
 * @pyprof/input-hotshot — reads Python 2 hotshot profiler logs, streamed, into exact call
 * graphs (cProfile's semantics), line costs, call sites and, when an output needs them,
 * the exact timeline and calling-context tree. See README.md for what is read, where the
 * numbers differ from hotshot.stats, and the warnings it can raise.
 */
import { defineInputPlugin } from '@pyprof/core';
import { detectHotshot } from './detect.js';
import { readHotshot, readHotshotStream } from './read.js';

export const hotshot = defineInputPlugin({
  name: 'hotshot',
  title: 'Python 2 hotshot log',
  extensions: ['.hotshot'],
  options: {
    strict: {
      type: 'boolean',
      default: false,
      description:
        'refuse a log that ends with frames still open (cut, or stopped inside a function) instead of closing them at the last timestamp',
    },
    coverage: {
      type: 'boolean',
      default: false,
      description:
        'the log was written by `_hotshot.coverage()`: its records carry no times although the header says they do',
    },
  },
  detect: (head) => detectHotshot(head),
  read: (input, context) => readHotshot(input, context),
  readStream: (chunks, context) => readHotshotStream(chunks, context),
});

export default hotshot;
export { decodeHotshot, type HotshotRecord } from './records.js';
