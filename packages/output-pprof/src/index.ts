/**
 * @pyprof/output-pprof — writes Python profiles as pprof (gzipped profile.proto) for
 * `go tool pprof`, Grafana Pyroscope, Parca, Perfetto and speedscope: exact nanosecond
 * times, names that never merge under pprof's name-only identity, exact stacks where the
 * source has them and labelled reconstructions where it does not. See README.md for the
 * options and what is lossy.
 */
import { defineOutputPlugin } from '@pyprof/core';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_FRAMES, pprofNeeds } from './stacks.js';
import { type PprofOptions, writePprof, writePprofDiff } from './write.js';

export const pprof = defineOutputPlugin({
  name: 'pprof',
  title: 'pprof profile.proto (go tool pprof, Pyroscope, Parca, Perfetto)',
  extension: '.pb.gz',
  options: {
    stacks: {
      type: 'choice',
      choices: ['auto', 'reconstructed'],
      default: 'auto',
      description:
        '`auto`: the exact call tree where the source has one (hotshot, sampled stacks), else stacks reconstructed from the call graph; `reconstructed`: always reconstruct from the call graph',
    },
    'max-frames': {
      type: 'integer',
      default: DEFAULT_MAX_FRAMES,
      description:
        'reconstructed stacks: frames written at most (the sum of the stacks\' depths); what the budget cuts sits under "(pruned)" frames, totals unchanged',
    },
    'max-depth': {
      type: 'integer',
      default: DEFAULT_MAX_DEPTH,
      description: 'reconstructed stacks: frames per stack before the rest goes under "(pruned)"',
    },
    compression: {
      type: 'choice',
      choices: ['gzip', 'none'],
      default: 'gzip',
      description: '`gzip` (what every pprof reader expects) or `none` (the bare protobuf)',
    },
  },
  needs: pprofNeeds(),
  needsFor: (options) => pprofNeeds(options),
  defaultOutputName: (inputName) => `${inputName}.pb.gz`,
  write: (set, options, context) => writePprof(set, options, context),
  // A comparison is NEW's samples and BASE's negated, as `go tool pprof -diff_base` has it.
  writeDiff: (diff, options, context) => writePprofDiff(diff, options, context),
});

export default pprof;
export { pprofNeeds } from './stacks.js';
export { buildPprof, pprofText } from './write.js';
