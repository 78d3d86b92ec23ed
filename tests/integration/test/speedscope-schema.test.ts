// Every speedscope output opens in speedscope and adds up: testkit's canonical profiles and
// any generated profile set (fast-check), in every mode and with budgets small enough to
// cut, validate against speedscope's own schema and importer rules, and for every part the
// stacks ending in each function weigh exactly its own time.
import { type ProfileSet, writeToString } from '@pyprof/core';
import { speedscope } from '@pyprof/output-speedscope';
import {
  arbitraryProfileSet,
  canonicalProfiles,
  conservationProblems,
  type SpeedscopeFile,
  speedscopeProblems,
} from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const MODES = ['auto', 'evented', 'sampled', 'reconstructed'] as const;

function checked(set: ProfileSet, options: Record<string, unknown>): SpeedscopeFile {
  const text = writeToString(speedscope, set, {
    options,
    context: { producer: 'pyprof@0.0.0-test' },
  });
  expect(speedscopeProblems(text)).toEqual([]);
  const file = JSON.parse(text) as SpeedscopeFile;
  expect(file.profiles).toHaveLength(set.parts.length);
  for (let k = 0; k < set.parts.length; k++) expect(conservationProblems(file, set, k)).toEqual([]);
  return file;
}

describe('speedscope output: schema, importer rules and conservation', () => {
  for (const [name, set] of Object.entries(canonicalProfiles())) {
    it(`canonical "${name}" in every mode`, () => {
      for (const mode of MODES) checked(set, { mode });
      checked(set, { 'max-frames': 4, 'max-depth': 2 });
    });
  }

  it('rejects what speedscope would reject (the checker can fail)', () => {
    const good = writeToString(speedscope, canonicalProfiles().timeline as ProfileSet);
    expect(speedscopeProblems(good)).toEqual([]);
    const file = JSON.parse(good);
    file.profiles[0].events.reverse();
    expect(speedscopeProblems(JSON.stringify(file)).length).toBeGreaterThan(0);
    const sampled = JSON.parse(
      writeToString(speedscope, canonicalProfiles().diamond as ProfileSet),
    );
    sampled.profiles[0].samples[0] = [0.5];
    sampled.profiles[0].weights.push(1);
    expect(speedscopeProblems(JSON.stringify(sampled))).toEqual([
      'profile 0: 6 samples, 7 weights',
      'profile 0 sample 0: frame 0.5 out of range',
    ]);
    expect(speedscopeProblems(JSON.stringify({ ...sampled, $schema: 'x' }))[0]).toMatch(/^schema:/);
    // A weight moved from one function to another breaks conservation.
    const set = canonicalProfiles().diamond as ProfileSet;
    const moved = JSON.parse(writeToString(speedscope, set)) as SpeedscopeFile;
    const profile = moved.profiles[0] as { samples: number[][] };
    profile.samples[1] = [...(profile.samples[2] as number[])];
    expect(conservationProblems(moved, set, 0)).toEqual([
      'right (/src/app/main.py): 0 s written, 0.003 s own time',
      'shared (/src/app/lib/util.py): 0.013999999999999999 s written, 0.011 s own time',
    ]);
  });

  it('holds for any generated profile set, in any mode, with any budget', {
    timeout: 60_000,
  }, () => {
    fc.assert(
      fc.property(
        arbitraryProfileSet(),
        fc.constantFrom(...MODES),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 50 }),
        (set, mode, maxFrames, maxDepth, eventedLimit) => {
          checked(set, {
            mode,
            'max-frames': maxFrames,
            'max-depth': maxDepth,
            'evented-limit': eventedLimit,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
