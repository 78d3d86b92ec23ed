/**
 * @pyprof/output-collapsed — writes Python profiles as collapsed ("folded") stacks, the
 * format every flame-graph tool reads (flamegraph.pl, inferno, speedscope, Perfetto):
 * integer weights that add up to the profile's total exactly, frame names unique and safe
 * for the format. See README.md for the options, the escapes and what is reported.
 */
import { DEFAULT_MAX_DEPTH, defineOutputPlugin } from '@pyprof/core';
import {
  COLLAPSED_MAX_FRAMES,
  type CollapsedOptions,
  collapsedNeeds,
  writeCollapsed,
  writeCollapsedDiff,
} from './write.js';

export const collapsed = defineOutputPlugin({
  name: 'collapsed',
  title: 'Collapsed stacks for flamegraph.pl, inferno, speedscope',
  extension: '.folded',
  options: {
    unit: {
      type: 'choice',
      choices: ['ns', 'us', 'ms'],
      default: 'ns',
      description:
        'unit of the weights of timed profiles (integers, rounded so that the lines add up to the rounded total); profiles counted in samples are written in samples',
    },
    'thread-prefix': {
      type: 'boolean',
      default: false,
      description:
        'make the thread the first frame of each stack (`thread (<id>): <name>`), so threads stay apart; without it identical stacks of different threads are merged',
    },
    comment: {
      type: 'boolean',
      default: false,
      description:
        'write where the stacks come from as a first `# …` line (flamegraph.pl reports it as an invalid line and speedscope skips it; off by default, the origin is reported on stderr instead)',
    },
    'max-frames': {
      type: 'integer',
      default: COLLAPSED_MAX_FRAMES,
      description:
        'reconstructed stacks: most frames written (the sum of the stacks\' depths, which bounds the output); what does not fit is shown under "(pruned)" frames on the branch where it was cut, totals unchanged',
    },
    'max-depth': {
      type: 'integer',
      default: DEFAULT_MAX_DEPTH,
      description: 'frames per stack before the rest goes under "(pruned)"',
    },
  },
  needs: collapsedNeeds(),
  needsFor: (options) => collapsedNeeds(options),
  defaultOutputName: (inputName) => `${inputName}.folded`,
  write: (set, options, context) => writeCollapsed(set, options, context),
  // A comparison is `stack BASE NEW` per line, the form difffolded.pl writes.
  writeDiff: (diff, options, context) => writeCollapsedDiff(diff, options, context),
});

export default collapsed;
export { collapsedFrameNames } from './write.js';
