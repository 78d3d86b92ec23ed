// The README's format table is generated from the registry; this fails when they drift.
import { readFileSync } from 'node:fs';
import { createRegistry } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { builtinFormats } from '../src/formats.js';
import { formatsMarkdown, withFormatsTable } from '../src/formats-table.js';

describe('README format table', () => {
  it('matches the registry (regenerate with `pnpm readme`)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withFormatsTable(readme, formatsMarkdown(createRegistry(builtinFormats))));
  });
});
