/**
 * @pyprof/output-text — profiles as text: CPython's own `pstats` reports, byte for byte
 * and for any Python version's data (`--style pstats`), or a readable table with
 * percentages and unambiguous names (the default). See README.md.
 */
import { defineOutputPlugin, type OptionSpecs } from '@pyprof/core';
import { writeDiffText } from './diff.js';
import { HOTSHOT_TIMELINE_LIMIT } from './hotshot-stats.js';
import { SORT_KEY_WORDS } from './sort.js';
import { writeText } from './write.js';

const textOptions = {
  style: {
    type: 'choice',
    choices: ['table', 'pstats'],
    default: 'table',
    description:
      '`table`: readable columns with percentages and unique names; `pstats`: byte-identical to CPython `pstats` reports',
  },
  report: {
    type: 'choice',
    choices: ['stats', 'callers', 'callees'],
    default: 'stats',
    description:
      'which report: the flat profile (`print_stats`), or who called / was called by each function',
  },
  sort: {
    type: 'string',
    repeatable: true,
    placeholder: 'KEY',
    description: `sort key (${SORT_KEY_WORDS.join(', ')}, a unique prefix, or a legacy -1/0/1/2), several combine in order; default: the profile's own order for pstats (as \`Stats.print_stats()\` without \`sort_stats\`), cumulative for the table`,
  },
  limit: {
    type: 'string',
    repeatable: true,
    placeholder: 'N|FRACTION|REGEX',
    description:
      'restriction, several applied in order as pstats does: an integer keeps that many rows, a decimal below 1 that fraction (1 or more: no restriction), anything else is a Python regular expression matched against `file:line(function)` (`re:PATTERN` forces a pattern); an invalid pattern is noted and ignored in the pstats style, refused in the table',
  },
  python: {
    type: 'choice',
    choices: ['auto', '2', '3'],
    default: 'auto',
    description:
      'pstats rules of Python 2.7 or 3.x: layout, string order, dict order (2: hotshot logs as `hotshot.stats` prints them); `auto` follows the Python that wrote the profile (3 when unknown)',
  },
  width: {
    type: 'integer',
    placeholder: 'COLUMNS',
    description:
      'table: fit lines into this many columns (0 = no limit); default: the terminal width when writing to a terminal, else no limit',
  },
} as const satisfies OptionSpecs;

export const text = defineOutputPlugin({
  name: 'text',
  title: 'Text report: pstats-identical or a readable table',
  extension: '.txt',
  options: textOptions,
  // The pstats style with Python 2 rules replays a hotshot log as hotshot.stats does.
  needsFor: (options) =>
    options.style === 'pstats' && options.python !== '3'
      ? { timeline: true, timelineLimit: HOTSHOT_TIMELINE_LIMIT }
      : {},
  write: (set, options, context) => writeText(set, options, context),
  writeDiff: (diff, options) => writeDiffText(diff, options),
});

export default text;
export { formatFixed } from './python-format.js';
export { Python2Dict } from './python2-dict.js';
export {
  bytesHash,
  floatHash,
  intHash,
  longHash,
  tupleHash,
  unicodeHash,
} from './python2-hash.js';
export {
  type PrintingProcess,
  python2StatsDict,
  statsKeyHash,
  statsOrder,
} from './stats-order.js';
export { writeText } from './write.js';
