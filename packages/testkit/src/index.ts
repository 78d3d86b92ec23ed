/**
 * @pyprof/testkit — what every pyprof plugin tests with: the conformance suites, the
 * canonical profiles writers render to golden files, and generators of realistic and
 * adversarial profiles for property tests.
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
export {
  ALL_NEEDS,
  checkChunksUnchanged,
  checkReaderNeeds,
  checkRefusesForeign,
  checkStreamMatchesRead,
  checkWriterNeeds,
  inPieces,
  keepOnlyNeeded,
  withEverything,
} from './conformance.js';
export { Pickle } from './pickle.js';
export { type FormatSample, formatSamples } from './samples.js';
export {
  type Activation,
  profileFromRun,
  type Run,
  type RunFunction,
  type RunOptions,
} from './simulate.js';
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
