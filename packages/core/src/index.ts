/**
 * @pyprof/core — the profile model (IR), its builder, validation, canonical dump, naming
 * service and merge, the plugin contracts with options and registry, the conversion
 * pipeline with its one diagnostics list, and the shared helpers readers and writers
 * build on (bytes, text, errors, gzip).
 *
 *   bytes → detect → read → Profile → transform → write → chunks   (convert)
 */
export {
  type MetadataInput,
  ProfileBuilder,
} from './builder.js';
export { ByteReader } from './byte-reader.js';
export {
  Column,
  float64Column,
  int32Column,
  KeyIndex,
  PairIndex,
  TripleIndex,
  uint8Column,
  uint32Column,
  withIndex,
} from './columns.js';
export { type CompareOptions, type CompareResult, compareProfiles } from './compare.js';
export {
  type ConvertInput,
  type ConvertOptions,
  type ConvertResult,
  chunksToBytes,
  combineNeeds,
  convert,
  defineTransform,
  type LoadOptions,
  type LoadResult,
  loadProfiles,
  STREAM_ABOVE,
  type Transform,
  type TransformContext,
} from './convert.js';
export {
  type Diagnostic,
  type DiagnosticSink,
  Diagnostics,
} from './diagnostics.js';
export {
  type DiffRow,
  diffProfiles,
  matchFunctions,
  type ProfileDiff,
} from './diff.js';
export {
  type ErrorCode,
  formatPlace,
  invalidOption,
  isProfileError,
  malformed,
  type Place,
  ProfileError,
  unsafeInput,
  unsupportedVersion,
} from './errors.js';
export {
  type FilterSummary,
  type FunctionPredicate,
  filterNote,
  filterProfile,
  filterTransform,
  isProfilerFunction,
  isStdlibFunction,
  patternPredicate,
  profileFromStacks,
  type StackFilters,
} from './filters.js';
export { gunzip, isGzip } from './gzip.js';
export {
  budgetFor,
  DEFAULT_LIMITS,
  type LimitName,
  type Limits,
  limitExceeded,
  parseByteSize,
  ReadBudget,
  rowsOf,
  withCommas,
} from './limits.js';
export { makeProfileSet, mergeProfileSets, mergeProfiles } from './merge.js';
export { moduleNameFromPath } from './module-name.js';
export { NamesInOrder } from './names-in-order.js';
export {
  fileBasenameSuffix,
  kcachegrindKey,
  type NameStyle,
  StringIds,
  sanitizeName,
  uniqueFunctionNames,
} from './naming.js';
export {
  type OptionSpec,
  type OptionSpecs,
  type OptionValueOf,
  type OptionValues,
  type OptionValuesOf,
  optionsTable,
  resolveOptions,
} from './options.js';
export {
  type Confidence,
  defineInputPlugin,
  defineOutputPlugin,
  type InputPlugin,
  isInputPlugin,
  isOutputPlugin,
  type OutputChunk,
  type OutputNeeds,
  type OutputPlugin,
  outputNeeds,
  type Plugin,
  type ReadContext,
  type SourceFiles,
  type TimelineSink,
  type TimelineWriter,
  type TypedInputPlugin,
  type TypedOutputPlugin,
  type WriteContext,
} from './plugin.js';
export { printProfile, printProfileSet } from './print.js';
export {
  type CallTree,
  type CodeObjectLayout,
  type CodeObjectMarshal,
  type CostUnit,
  costUnitOf,
  FUNCTION_KINDS,
  type FunctionDetails,
  type FunctionKind,
  functionFile,
  functionKey,
  functionKind,
  functionModule,
  functionName,
  functionsInWhole,
  isAbsent,
  type Profile,
  type ProfileMetadata,
  type ProfileSet,
  singleProfileSet,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
  totalCalls,
  totalSelfTime,
} from './profile.js';
export {
  decodePythonSource,
  PythonSource,
  scanPythonScopes,
} from './python-source.js';
export { createRegistry, DETECT_HEAD_BYTES, type Registry } from './registry.js';
export { CumulativeRounder, roundedStackWeights } from './rounding.js';
export {
  type ReadInit,
  readStreamWith,
  readWith,
  streamTimelineWith,
  writeChunks,
  writeToBytes,
  writeToString,
} from './run.js';
export type { ByteSource } from './source.js';
export {
  BUDGET_FRAME,
  BUDGET_FRAME_NAME,
  checkConsistency,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FRAMES,
  deriveStacks,
  reconstructCallTree,
  type Stacks,
  type StacksNeed,
  stackSamples,
  stackTexts,
  treePaths,
} from './stacks.js';
export {
  concatBytes,
  decodeLatin1,
  decodeSurrogatePass,
  decodeText,
  displayText,
  encodeSurrogatePass,
  encodeText,
  escapeUndecodable,
} from './text.js';
export { callTreeFromTimeline } from './timeline-tree.js';
export { assertValidProfile, type ValidationResult, validateProfile } from './validate.js';
