/**
 * The conformance suites every plugin runs — ours and third parties' (unstorage's
 * `testDriver` idea). Call `describeInputPlugin` / `describeOutputPlugin` from a vitest
 * test file; they register the tests. An input plugin must read each fixture to a valid
 * profile (and match its golden dump), recognise it without a file name, refuse every
 * other format's sample, read the same from a stream as from bytes, give the same numbers
 * whatever it is asked to keep (`needs`), and meet truncated and random bytes with a
 * `ProfileError` or a valid profile. An output plugin must render every canonical profile
 * (golden files) and any generated profile without throwing — or, for the sets it says it
 * refuses (`refuses`: a trace writer given a profile without a timeline), refuse them with a
 * one-line `ProfileError` before writing anything — use nothing its `needs` do not declare,
 * and never change a chunk it has yielded (conformance.ts has those checks).
 */
import {
  type InputPlugin,
  isProfileError,
  type Limits,
  type OptionValues,
  type OutputPlugin,
  type ProfileSet,
  printProfileSet,
  ReadBudget,
  readWith,
  resolveOptions,
  rowsOf,
  validateProfile,
  writeChunks,
  writeToBytes,
  writeToString,
} from '@pyprof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbitraryMutation,
  arbitraryProfileSet,
  arbitraryRepeat,
  type ProfileConstraints,
} from './arbitrary.js';
import { canonicalProfiles } from './canonical.js';
import {
  checkChunksUnchanged,
  checkReaderNeeds,
  checkRefusesForeign,
  checkStreamedTimeline,
  checkStreamMatchesRead,
  checkWriterNeeds,
} from './conformance.js';
import { formatSamples } from './samples.js';

export interface InputFixture {
  name: string;
  bytes: Uint8Array;
  /** Reader options for this fixture. */
  options?: OptionValues;
  /** Absolute path of the golden `printProfileSet` dump (written with `vitest -u`). */
  golden?: string;
  /** What `detect` must answer without the file name (default: `certain`). */
  detect?: 'certain' | 'likely';
}

export interface InputSuiteConfig {
  fixtures: readonly InputFixture[];
  /**
   * More files of other formats: `detect` must not answer `certain` for them (the
   * testkit's own sample of every built-in format is always checked, more strictly).
   */
  foreign?: ReadonlyArray<{ name: string; bytes: Uint8Array }>;
  /**
   * The formats of the testkit's samples (`formatSamples()`) this plugin reads too, so
   * they are not foreign to it (default: the sample format named like the plugin).
   */
  ownFormats?: readonly string[];
  /**
   * Sample formats on which `detect` may answer `likely` (never `certain`) instead of
   * refusing; say why where you pass it (default: none).
   */
  likelyOn?: readonly string[];
  /** Random inputs per fuzz property (default 200). */
  fuzzRuns?: number;
}

/** Reads `bytes`; returns 'valid' or 'refused', failing the test on anything else. */
export function readOutcome(
  plugin: InputPlugin,
  bytes: Uint8Array,
  options?: OptionValues,
): 'valid' | 'refused' {
  let set: ProfileSet;
  try {
    set = readWith(plugin, bytes, options ? { options } : {});
  } catch (error) {
    if (isProfileError(error)) return 'refused';
    throw error;
  }
  for (const profile of [...set.parts, set.whole])
    expect(validateProfile(profile).errors).toEqual([]);
  return 'valid';
}

/**
 * Budgets far below the defaults (core's limits.ts), for the budget property: a reader
 * given these must refuse what would go over them, whatever the bytes.
 */
export const TIGHT_LIMITS: Partial<Limits> = Object.freeze({
  stringBytes: 4096,
  depth: 10_000,
  entriesPerByte: 0.01,
  eventsPerByte: 0.05,
  memoryBytes: 4 << 20,
});

/**
 * Reads `bytes` with `TIGHT_LIMITS` and checks what the reader built against the budget:
 * refused (a `ProfileError`), or a valid profile whose rows and timeline events fit what
 * the budget allows for its bytes, and whose strings are no longer than a few budgeted
 * strings joined (a qualified name, a label).
 */
export function readWithinBudget(plugin: InputPlugin, bytes: Uint8Array): 'valid' | 'refused' {
  const budget = new ReadBudget(TIGHT_LIMITS, 0);
  budget.addInput(bytes.length);
  let set: ProfileSet;
  try {
    // The reader itself, not `readWith`: the pipeline's after-read check (`settle`) would
    // hide a reader that allocates first and counts later, or never.
    set = plugin.read(bytes, {
      options: resolveOptions(plugin.options, {}, plugin.name),
      needs: {},
      budget,
      warn() {},
    });
  } catch (error) {
    if (isProfileError(error)) return 'refused';
    throw error;
  }
  let rows = 0;
  let events = 0;
  for (const profile of set.parts) {
    expect(validateProfile(profile).errors).toEqual([]);
    rows += rowsOf(profile);
    events += profile.timeline?.length ?? 0;
    for (const text of profile.strings)
      expect(text.length).toBeLessThanOrEqual(4 * budget.limits.stringBytes + 256);
  }
  expect(rows).toBeLessThanOrEqual(budget.entriesAllowed);
  expect(events).toBeLessThanOrEqual(budget.eventsAllowed);
  return 'valid';
}

export function describeInputPlugin(plugin: InputPlugin, config: InputSuiteConfig): void {
  describe(`input plugin ${plugin.name}: conformance`, () => {
    it('declares a name, a title and extensions', () => {
      expect(plugin.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(plugin.title.length).toBeGreaterThan(0);
      for (const ext of plugin.extensions) expect(ext).toMatch(/^\.[^./\\]+(?:\.[^./\\]+)*$/);
    });

    for (const fixture of config.fixtures) {
      describe(fixture.name, () => {
        it('reads to a valid profile set', () => {
          const set = readWith(
            plugin,
            fixture.bytes,
            fixture.options ? { options: fixture.options } : {},
          );
          expect(set.parts.length).toBeGreaterThan(0);
          for (const profile of [...set.parts, set.whole]) {
            expect(validateProfile(profile).errors).toEqual([]);
            expect(profile.metadata.format).toBe(plugin.name);
          }
        });
        if (fixture.golden !== undefined) {
          const golden = fixture.golden;
          it('matches its golden dump', async () => {
            const set = readWith(
              plugin,
              fixture.bytes,
              fixture.options ? { options: fixture.options } : {},
            );
            await expect(printProfileSet(set)).toMatchFileSnapshot(golden);
          });
        }
        it(`is detected as ${fixture.detect ?? 'certain'} without its file name`, () => {
          expect(plugin.detect(fixture.bytes.subarray(0, 4096), {})).toBe(
            fixture.detect ?? 'certain',
          );
        });
        it('meets truncation with an error or a valid profile', { timeout: 60_000 }, () => {
          const n = fixture.bytes.length;
          const cuts = new Set(
            [0, 1, 2, 3, 7, 16, Math.floor(n / 3), Math.floor(n / 2), n - 1].filter(
              (c) => c >= 0 && c < n,
            ),
          );
          for (const cut of cuts)
            readOutcome(plugin, fixture.bytes.subarray(0, cut), fixture.options);
        });
        it('gives the same numbers whatever its needs, only leaving out what is not needed', {
          timeout: 60_000,
        }, () => {
          checkReaderNeeds(plugin, fixture.bytes, fixture.options);
        });
        if (plugin.readStream !== undefined) {
          it('reads the same from a stream as from bytes, whole or cut', {
            timeout: 60_000,
          }, async () => {
            await checkStreamMatchesRead(plugin, fixture.bytes, fixture.options);
            const half = fixture.bytes.subarray(0, Math.floor(fixture.bytes.length / 2));
            await checkStreamMatchesRead(plugin, half, fixture.options);
          });
        }
      });
    }

    it("refuses the testkit's sample of every other format", () => {
      const own = config.ownFormats ?? [plugin.name];
      const foreign = formatSamples().filter((sample) => !own.includes(sample.format));
      checkRefusesForeign(plugin, foreign, config.likelyOn);
    });

    for (const foreign of config.foreign ?? []) {
      it(`does not claim ${foreign.name} as certain`, () => {
        let answer: unknown;
        expect(() => {
          answer = plugin.detect(foreign.bytes.subarray(0, 4096), {});
        }).not.toThrow();
        expect(answer).not.toBe('certain');
      });
    }

    it('detect never throws, even on random bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          const answer = plugin.detect(bytes, {});
          expect([undefined, 'likely', 'certain']).toContain(answer);
        }),
        { numRuns: config.fuzzRuns ?? 200 },
      );
    });

    it('meets random and mutated bytes with an error or a valid profile', {
      timeout: 120_000,
    }, () => {
      const seeds = config.fixtures.map((f) => f.bytes).filter((b) => b.length > 0);
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 256 }),
            ...(seeds.length > 0 ? [arbitraryMutation(seeds, 6)] : []),
          ),
          (bytes) => {
            readOutcome(plugin, bytes);
          },
        ),
        { numRuns: config.fuzzRuns ?? 200 },
      );
    });

    it('stays within its budgets on inputs up to 1 MB (rows, events, strings counted)', () => {
      const seeds = config.fixtures.map((f) => f.bytes).filter((b) => b.length > 0);
      fc.assert(
        fc.property(
          seeds.length > 0
            ? fc.oneof(
                arbitraryRepeat(seeds),
                arbitraryMutation(seeds, 6),
                fc.constantFrom(...seeds),
              )
            : fc.uint8Array({ maxLength: 1 << 20 }),
          (bytes) => {
            readWithinBudget(plugin, bytes);
          },
        ),
        { numRuns: Math.min(config.fuzzRuns ?? 200, 40) },
      );
    }, 120_000);
  });
}

export interface OutputSuiteConfig {
  /** Folder for golden files `<canonical name><extension>` (written with `vitest -u`). */
  goldenDir?: string;
  options?: OptionValues;
  /**
   * For a binary format: turns the writer's bytes into the text that checks and golden
   * files see (a canonical dump of the decoded file); default: the output as UTF-8 text.
   */
  renderText?: (bytes: Uint8Array) => string;
  /** Extension of the golden files (default: the plugin's extension, else `.out`). */
  goldenExtension?: string;
  /** Extra checks on each output (e.g. a schema validation). */
  check?: (output: string, set: ProfileSet, name: string) => void;
  /** Generated profiles for the property test (default 100). */
  propertyRuns?: number;
  constraints?: ProfileConstraints;
  /**
   * The sets the writer refuses: for them the suite expects a one-line `ProfileError` (and
   * no output) instead of output. Default: none.
   */
  refuses?: (set: ProfileSet) => boolean;
}

/** Renders `set`, expecting a refusal when `config.refuses` says so; the output, or undefined. */
function renderOrRefusal(
  plugin: OutputPlugin,
  set: ProfileSet,
  config: OutputSuiteConfig,
): string | undefined {
  if (config.refuses?.(set) !== true) return renderOutput(plugin, set, config);
  const chunks: unknown[] = [];
  let refusal: unknown;
  try {
    for (const chunk of writeChunks(plugin, set, config.options ? { options: config.options } : {}))
      chunks.push(chunk);
  } catch (error) {
    refusal = error;
  }
  expect(isProfileError(refusal), `${plugin.name} should refuse this set`).toBe(true);
  expect((refusal as Error).message).not.toContain('\n');
  expect(chunks).toEqual([]);
  return undefined;
}

/** The text checks and golden files see: the output, or `renderText` of its bytes. */
function renderOutput(plugin: OutputPlugin, set: ProfileSet, config: OutputSuiteConfig): string {
  return config.renderText
    ? config.renderText(
        writeToBytes(plugin, set, config.options ? { options: config.options } : {}),
      )
    : render(plugin, set, config.options);
}

/** Runs a writer to one string: core's `writeToString`, with options as a plain argument. */
export function render(plugin: OutputPlugin, set: ProfileSet, options?: OptionValues): string {
  return writeToString(plugin, set, options ? { options } : {});
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Golden files are UTF-8 text, which cannot hold a lone surrogate (a writer's escaped
 * non-UTF-8 byte, see core's `encodeText`): those are written as `\udcXX`, as
 * `printProfile` writes them, so the comparison stays exact.
 */
export function goldenText(output: string): string {
  return output.replace(LONE_SURROGATE, (unit) => `\\u${unit.charCodeAt(0).toString(16)}`);
}

export function describeOutputPlugin(plugin: OutputPlugin, config: OutputSuiteConfig = {}): void {
  describe(`output plugin ${plugin.name}: conformance`, () => {
    it('declares a name, a title, an extension and documented options', () => {
      expect(plugin.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(plugin.title.length).toBeGreaterThan(0);
      expect(plugin.extension === '' || plugin.extension.startsWith('.')).toBe(true);
      for (const [name, spec] of Object.entries(plugin.options ?? {})) {
        expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(spec.description.length).toBeGreaterThan(0);
      }
    });

    for (const [name, set] of Object.entries(canonicalProfiles())) {
      const refused = config.refuses?.(set) === true;
      it(`${refused ? 'refuses' : 'renders'} the canonical profile "${name}"`, async () => {
        const output = renderOrRefusal(plugin, set, config);
        if (output === undefined) return;
        config.check?.(output, set, name);
        if (config.goldenDir !== undefined) {
          await expect(goldenText(output)).toMatchFileSnapshot(
            `${config.goldenDir}/${name}${config.goldenExtension ?? (plugin.extension || '.out')}`,
          );
        }
      });
    }

    for (const [name, set] of Object.entries(canonicalProfiles())) {
      it(`uses only what its needs declare on "${name}"`, () => {
        checkWriterNeeds(plugin, set, config.options);
      });
      it(`never changes a chunk it yielded on "${name}"`, () => {
        checkChunksUnchanged(plugin, set, config.options);
        checkStreamedTimeline(plugin, set, config.options);
      });
    }

    it('uses only what its needs declare and keeps its chunks, on generated sets', {
      timeout: 60_000,
    }, () => {
      fc.assert(
        fc.property(arbitraryProfileSet(config.constraints), (set) => {
          checkWriterNeeds(plugin, set, config.options);
          checkChunksUnchanged(plugin, set, config.options);
          checkStreamedTimeline(plugin, set, config.options);
        }),
        { numRuns: Math.min(config.propertyRuns ?? 100, 30) },
      );
    });

    it('renders any generated profile set without throwing', { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(arbitraryProfileSet(config.constraints), (set) => {
          const output = renderOrRefusal(plugin, set, config);
          if (output !== undefined) config.check?.(output, set, 'generated');
        }),
        { numRuns: config.propertyRuns ?? 100 },
      );
    });
  });
}
