/**
 * @pyprof/output-speedscope — writes Python profiles as speedscope JSON: exact timelines
 * as evented profiles, aggregate profiles (pstats, lsprof) as flame graphs rebuilt from
 * the call graph whose numbers add up. See README.md for the options and what is lossy.
 */
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_FRAMES, defineOutputPlugin } from '@pyprof/core';
import {
  DEFAULT_EVENTED_LIMIT,
  type SpeedscopeOptions,
  speedscopeNeeds,
  writeSpeedscope,
} from './write.js';

export const speedscope = defineOutputPlugin({
  name: 'speedscope',
  title: 'speedscope JSON (https://www.speedscope.app)',
  extension: '.speedscope.json',
  options: {
    mode: {
      type: 'choice',
      choices: ['auto', 'evented', 'sampled', 'reconstructed'],
      default: 'auto',
      description:
        '`auto`: exact timelines as evented profiles (up to `--evented-limit` events, else their exact call tree), aggregate profiles as reconstructed stacks; `evented`: always evented where there is a timeline; `sampled`: exact call trees instead of timelines; `reconstructed`: rebuild stacks from the call graph even when exact data exists',
    },
    'evented-limit': {
      type: 'integer',
      default: DEFAULT_EVENTED_LIMIT,
      description:
        'in `auto` mode, a timeline with more events than this is written as its exact call tree (a sampled profile) instead',
    },
    'max-frames': {
      type: 'integer',
      default: DEFAULT_MAX_FRAMES,
      description:
        'reconstructed stacks: most frames written (the sum of the stacks\' depths, which bounds the output: about 6 bytes a frame); what does not fit is shown under "(pruned)" frames on the branch where it was cut, totals unchanged',
    },
    'max-depth': {
      type: 'integer',
      default: DEFAULT_MAX_DEPTH,
      description:
        'reconstructed stacks: frames per stack before the rest goes under "(pruned)" (recursion is unrolled up to it)',
    },
  },
  needs: speedscopeNeeds(),
  needsFor: (options) => speedscopeNeeds(options),
  defaultOutputName: (inputName) => `${inputName}.speedscope.json`,
  write: (set, options, context) => writeSpeedscope(set, options, context),
  // A comparison is both runs in one file, one profile each (labelled BASE … and NEW …),
  // sharing one frame table, so a function is the same frame, with one name, in both.
  writeDiff: (diff, options, context) => writeSpeedscope(diff.set, options, context),
});

export default speedscope;
export { speedscopeLoaderScript } from './view.js';
export { speedscopeNeeds } from './write.js';
