/**
 * @pyprof/input-collapsed — reads collapsed ("folded") stacks, the one format every
 * Python sampling profiler can write: austin, py-spy `--format raw`, CPython's
 * `profiling.sampling --collapsed`, flameprof's log, and flamegraph.pl / inferno input.
 * Threads become profile parts; stacks stay exact (a call tree for speedscope) and make
 * the call graph and line costs for callgrind and text. Where the source files are
 * supplied, same-named functions of one file are told apart by the definition enclosing
 * each sampled line. See README.md for the dialects, options and warnings.
 */
import { defineInputPlugin } from '@pyprof/core';
import { detectCollapsed } from './detect.js';
import {
  FRAME_LINES_CHOICES,
  readCollapsed,
  readCollapsedStream,
  WEIGHTS_CHOICES,
} from './read.js';

export const collapsed = defineInputPlugin({
  name: 'collapsed',
  title: 'Collapsed stacks (austin, py-spy, CPython sampling, flame graphs)',
  extensions: ['.folded', '.collapsed', '.austin'],
  options: {
    weights: {
      type: 'choice',
      choices: WEIGHTS_CHOICES,
      default: 'auto',
      description:
        'what the numbers after the stacks are: `auto` (microseconds for austin and flameprof, samples otherwise), `samples`, or a time unit',
    },
    'frame-lines': {
      type: 'choice',
      choices: FRAME_LINES_CHOICES,
      default: 'auto',
      description:
        "what a frame's line number is: `auto` (the function's first line for flameprof, the executing line otherwise), `executing`, or `first` (py-spy --function)",
    },
  },
  detect: (head) => detectCollapsed(head),
  read: (input, context) => readCollapsed(input, context),
  readStream: (chunks, context) => readCollapsedStream(chunks, context),
});

export default collapsed;
