/**
 * @pyprof/pickle — the safe pickle reader pyprof's input plugins share (lsprof,
 * line_profiler, yappi). It is not an unpickler: a first pass refuses any global outside
 * the reader's allow-list before anything is built, a second builds plain data — lists,
 * tuples, dicts, sets, numbers, strings, inert objects for the allowed classes and the
 * reader's own records — and nothing in the file is ever imported, called or
 * instantiated. Each reader declares its dialect (allow-list and what each global is) and
 * turns the plain data into a profile itself.
 */

export { MAX_INTEGER_BYTES, MAX_INTEGER_DIGITS } from './decode.js';
export {
  COST,
  DEFAULT_PICKLE_LIMITS,
  memoryBudget,
  type PickleLimits,
} from './limits.js';
export {
  type BuildHook,
  type BuildOptions,
  buildPickle,
  type LoadedPickle,
  loadPickle,
  type PickleScan,
  type ReduceHook,
  scanPickle,
} from './load.js';
export { HIGHEST_PROTOCOL, printable } from './machine.js';
export {
  type AllowedGlobal,
  describeValue,
  type GlobalKind,
  type PickleDialect,
  type PickleDialectSpec,
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
