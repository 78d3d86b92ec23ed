// The shared writer suite (@pyprof/testkit: names, options, every canonical profile and
// generated ones without throwing), the canonical profiles' bytes pinned in golden files
// (decoded listing + hex, for Python 2 and 3; update with `vitest -u` and read the diff),
// and the property that any generated profile set, written for either Python, decodes to
// exactly its whole profile's entries and callers.
import { writeToBytes } from '@pyprof/core';
import { arbitraryProfileSet, canonicalProfiles, describeOutputPlugin } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pstats } from '../src/index.js';
import { checkAgainstProfile } from './check.js';
import { decodeMarshal, show } from './marshal-decoder.js';

describeOutputPlugin(pstats, { propertyRuns: 50 });

function hex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 32) {
    lines.push(Buffer.from(bytes.subarray(at, at + 32)).toString('hex'));
  }
  return lines.join('\n');
}

describe('canonical profiles: golden bytes', () => {
  for (const [name, set] of Object.entries(canonicalProfiles())) {
    for (const python of ['2', '3'] as const) {
      it(`${name} for Python ${python}`, async () => {
        const bytes = writeToBytes(pstats, set, { options: { python } });
        checkAgainstProfile(bytes, python === '2' ? 2 : 3, set.whole);
        const listing = show(decodeMarshal(bytes, python === '2' ? 2 : 3).value);
        await expect(`${listing}\n\n${hex(bytes)}\n`).toMatchFileSnapshot(
          `golden/${name}.py${python}.txt`,
        );
      });
    }
  }
});

describe('any generated profile set', () => {
  it.each(['2', '3'] as const)(
    'decodes to its whole, written for Python %s',
    { timeout: 60_000 },
    (python) => {
      fc.assert(
        fc.property(arbitraryProfileSet(), (set) => {
          const bytes = writeToBytes(pstats, set, { options: { python } });
          checkAgainstProfile(bytes, python === '2' ? 2 : 3, set.whole);
        }),
        { numRuns: 150 },
      );
    },
  );
});
