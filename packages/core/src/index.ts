/**
 * @pyprof/core — the profile model (IR), its builder, validation, canonical dump, naming
 * service and merge, the plugin contracts with options and registry, the conversion
 * pipeline with its one diagnostics list, and the shared helpers readers and writers
 * build on (bytes, text, errors, gzip).
 *
 *   bytes → detect → read → Profile → transform → write → chunks   (convert)
 */
export {
  type CallStatsInput,
  type FunctionStatsInput,
  type MetadataInput,
  ProfileBuilder,
} from './builder.js';
export { ByteReader } from './byte-reader.js';
export {
  Column,
  float64Column,
  hashInts,
  int32Column,
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
  type Validation,
} from './convert.js';
export {
  type Diagnostic,
  type DiagnosticReport,
  type DiagnosticSink,
  type DiagnosticStage,
  Diagnostics,
  type DiagnosticsOptions,
} from './diagnostics.js';
export {
  type DiffOptions,
  type DiffRow,
  diffProfiles,
  type FunctionMatching,
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
  type ProfileErrorOptions,
  unsafeInput,
  unsupportedVersion,
} from './errors.js';
export {
  type FilterProfileOptions,
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
  formatBytes,
  inputTooLarge,
  type LimitName,
  type Limits,
  limitExceeded,
  parseByteSize,
  ReadBudget,
  resolveLimits,
  rowsOf,
  SMALL_INPUT,
  withCommas,
} from './limits.js';
export { type MergeOptions, makeProfileSet, mergeProfileSets, mergeProfiles } from './merge.js';
export { moduleNameFromPath } from './module-name.js';
export { NamesInOrder } from './names-in-order.js';
export {
  fileBasenameSuffix,
  kcachegrindBasename,
  kcachegrindKey,
  type NameStyle,
  type NamingOptions,
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
export { type PrintOptions, printProfile, printProfileSet } from './print.js';
export {
  type CallSiteTable,
  type CallTable,
  type CallTree,
  COST_UNITS,
  type CodeObjectLayout,
  type CodeObjectMarshal,
  type CostUnit,
  costUnitOf,
  FUNCTION_KINDS,
  type FunctionDetails,
  type FunctionKind,
  type FunctionTable,
  functionFile,
  functionKey,
  functionKind,
  functionModule,
  functionName,
  functionsInWhole,
  IR_VERSION,
  isAbsent,
  type LineTable,
  type Profile,
  type ProfileMetadata,
  type ProfileSet,
  singleProfileSet,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
  type Timeline,
  totalCalls,
  totalSelfTime,
} from './profile.js';
export {
  decodePythonSource,
  type PythonScope,
  type PythonScopeKind,
  PythonSource,
  scanPythonScopes,
} from './python-source.js';
export { createRegistry, DETECT_HEAD_BYTES, type Registry } from './registry.js';
export { CumulativeRounder } from './rounding.js';
export {
  type ReadInit,
  readStreamWith,
  readWith,
  streamTimelineWith,
  type WriteInit,
  writeChunks,
  writeToBytes,
  writeToString,
} from './run.js';
export type {
  ByteSource,
  InputData,
  WebByteStream,
} from './source.js';
export {
  BUDGET_FRAME,
  BUDGET_FRAME_NAME,
  checkConsistency,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FRAMES,
  DEFAULT_MAX_STACKS,
  deriveStacks,
  type InconsistencyReason,
  type InconsistentFunction,
  PRUNED_FRAME,
  type ReconstructedCallTree,
  type ReconstructOptions,
  reconstructCallTree,
  type StackSample,
  type Stacks,
  type StacksNeed,
  type StacksOrigin,
  type StacksPlacement,
  type StacksReport,
  stackSamples,
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
