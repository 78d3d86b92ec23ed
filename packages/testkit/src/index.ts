/**
 * @pyprof/testkit — what every pyprof plugin tests with: the conformance suites, the
 * canonical profiles writers render to golden files, generators of realistic and
 * adversarial profiles for property tests, and models of how viewers read outputs
 * (KCachegrind's callgrind reading, speedscope's checks, `go tool pprof`'s reading, what
 * flame-graph tools need of collapsed stacks).
 */
export {
  arbitraryFunction,
  arbitraryMutation,
  arbitraryProfile,
  arbitraryProfileSet,
  arbitraryRepeat,
  arbitraryRun,
  arbitrarySplice,
  type ProfileConstraints,
  type RunConstraints,
} from './arbitrary.js';
export { canonicalProfiles, canonicalRuns } from './canonical.js';
export { type CollapsedLine, ownByLeaf, parseCollapsed } from './collapsed-check.js';
export {
  ALL_NEEDS,
  checkChunksUnchanged,
  checkReaderNeeds,
  checkRefusesForeign,
  checkStreamedTimeline,
  checkStreamMatchesRead,
  checkWriterNeeds,
  inPieces,
  keepOnlyNeeded,
  withEverything,
} from './conformance.js';
export {
  type CallRecord,
  type FunctionRecord,
  functionsInCycles,
  inclusiveCost,
  type ParsedCallgrind,
  parseCallgrind,
} from './kcachegrind-reader.js';
export { Pickle } from './pickle.js';
export {
  type PprofFunctionRecord,
  type PprofReading,
  type PprofSampleRecord,
  readPprof,
} from './read-pprof.js';
export { type FormatSample, formatSamples } from './samples.js';
export {
  type Activation,
  profileFromRun,
  type Run,
  type RunFunction,
  type RunOptions,
} from './simulate.js';
export {
  conservationProblems,
  displayedTotal,
  frameFunctions,
  type SpeedscopeEventedProfile,
  type SpeedscopeFile,
  type SpeedscopeFrame,
  type SpeedscopeProfile,
  type SpeedscopeSampledProfile,
  selfByFrame,
  speedscopeProblems,
} from './speedscope-check.js';
export {
  type CumulativeTimeMeasure,
  type CumulativeTimeOptions,
  type CumulativeTimeRow,
  measureCumulativeTime,
  shareOnTrueStacks,
  type WeightedTree,
  weightOfStacksContaining,
} from './stacks-measure.js';
export {
  describeInputPlugin,
  describeOutputPlugin,
  type InputFixture,
  type InputSuiteConfig,
  type OutputSuiteConfig,
  readOutcome,
  readWithinBudget,
  render,
  TIGHT_LIMITS,
} from './suites.js';
