/**
 * @pyprof/input-lsprof — reads the pickles `bzr`/`brz --lsprof-file` write (and other
 * pickles of lsprof `Stats` objects, protocols 0–5, Python 2 and 3) without unpickling
 * them: globals outside a short allow-list are refused before anything is built, and
 * nothing is ever imported, called or instantiated. One profile per thread plus their
 * merged whole. See README.md for the identity rules and the warnings it can raise.
 */
import { defineInputPlugin } from '@pyprof/core';
import { detectLsprof } from './detect.js';
import { readLsprof } from './read.js';

export const lsprof = defineInputPlugin({
  name: 'lsprof',
  title: 'Bazaar / Breezy lsprof pickle (--lsprof-file)',
  extensions: ['.lsprof', '.pickle'],
  detect: (head) => detectLsprof(head),
  read: (input, context) => readLsprof(input, context),
});

export default lsprof;
export { detectLsprof, namesLsprofClass } from './detect.js';
export { moduleOfLabel, type PythonLabel, parsePythonLabel } from './label.js';
export { HIGHEST_PROTOCOL, MAX_MARK_DEPTH } from './machine.js';
export {
  type BuildHook,
  type LoadedPickle,
  type LoadOptions,
  loadPickle,
  type PickleScan,
  scanPickle,
} from './pickle.js';
export { readLsprof } from './read.js';
export {
  ALLOWED_GLOBALS,
  allowedGlobal,
  type GlobalRole,
  MAX_INTEGER_BYTES,
  MAX_INTEGER_DIGITS,
  type PickleValue,
  PyDict,
  PyGlobal,
  PyList,
  PySet,
  PyTuple,
  RecordTable,
  StatsObject,
  StructSeq,
} from './values.js';
