/**
 * @pyprof/output-callgrind — writes Python profiles as callgrind files that KCachegrind,
 * QCachegrind and callgrind_annotate read the way the profile means it: every Python
 * function stays its own function, totals add up, and the whole run has one root. See
 * README.md for the format details, options and what is lost.
 */
import { defineOutputPlugin } from '@pyprof/core';
import { writeCallgrindDiff } from './diff.js';
import { chooseCallgrindOutputName } from './output-name.js';
import { type CallgrindOptions, writeCallgrind } from './write.js';

export const callgrind = defineOutputPlugin({
  name: 'callgrind',
  title: 'callgrind (KCachegrind, QCachegrind, callgrind_annotate)',
  extension: '',
  options: {
    unit: {
      type: 'choice',
      choices: ['ns', 'us', 'ms'],
      default: 'ns',
      description: 'unit of the integer costs: nanoseconds, microseconds or milliseconds',
    },
    names: {
      type: 'choice',
      choices: ['short', 'qualified'],
      default: 'short',
      description:
        'function names: `short` qualifies a name with its package or `:line` only where KCachegrind would otherwise merge two functions; `qualified` always writes `module.name:line`',
    },
  },
  needs: { lines: true },
  defaultOutputName: (inputName, existingFileNames) =>
    chooseCallgrindOutputName(inputName, existingFileNames),
  write: (set, options, context) => writeCallgrind(set, options, context),
  writeDiff: (diff, options, context) => writeCallgrindDiff(diff, options, context),
});

export default callgrind;
export { chooseCallgrindOutputName, defaultOutputName } from './output-name.js';
export { PROFILER_NAME, writtenFile } from './write.js';
