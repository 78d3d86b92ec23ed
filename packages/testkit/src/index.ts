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
  arbitraryRun,
  arbitrarySplice,
  type ProfileConstraints,
  type RunConstraints,
} from './arbitrary.js';
export { canonicalProfiles, canonicalRuns } from './canonical.js';
export { Pickle } from './pickle.js';
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
  render,
} from './suites.js';
