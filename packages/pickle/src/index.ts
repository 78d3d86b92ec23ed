/**
 * @pyprof/pickle — the safe pickle reader pyprof's input plugins share (lsprof,
 * line_profiler, yappi). It is not an unpickler: a first pass refuses any global outside
 * the reader's allow-list before anything is built, a second builds plain data — lists,
 * tuples, dicts, sets, numbers, strings, inert objects for the allowed classes and the
 * reader's own records — and nothing in the file is ever imported, called or
 * instantiated. Each reader declares its dialect (allow-list and what each global is) and
 * turns the plain data into a profile itself.
 */

export {
  COST,
  DEFAULT_PICKLE_LIMITS,
  memoryBudget,
  type PickleLimits,
  pickleLimits,
} from './limits.js';
export {
  type BuildHook,
  buildPickle,
  type LoadedPickle,
  loadPickle,
  type PickleScan,
  scanPickle,
} from './load.js';
export {
  describeValue,
  type PickleDialect,
  type PickleValue,
  PyDict,
  PyGlobal,
  PyList,
  PyObject,
  PyRecord,
  PySet,
  PyTuple,
  pickleDialect,
  RECONSTRUCTOR_GLOBALS,
} from './values.js';
