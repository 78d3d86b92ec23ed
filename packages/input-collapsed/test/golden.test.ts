// Golden dumps (printProfileSet) of every fixture read with its sources and everything an
// output can ask for (line costs, call sites, the call tree), in test/golden/ (update with
// `pnpm vitest run -u` and say why).
import { join } from 'node:path';
import { printProfileSet, readWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { collapsed } from '../src/index.js';
import { AUSTIN, DIALECTS, readFixture, sourcesIn } from './fixtures.js';

const golden = (name: string) => join(import.meta.dirname, 'golden', `${name}.ir.txt`);
const needs = { lines: true, callTree: true };

describe('golden dumps', () => {
  for (const [folder, files] of [
    ['austin', AUSTIN],
    ['dialects', DIALECTS],
  ] as const) {
    for (const file of files) {
      it(`${folder}/${file}`, async () => {
        const set = readWith(collapsed, readFixture(`${folder}/${file}`), {
          needs,
          sources: sourcesIn(folder),
          fileName: file,
        });
        await expect(printProfileSet(set)).toMatchFileSnapshot(golden(file));
      });
    }
  }
});
