// The READMEs' generated tables match the code: the root format table (from the
// registry) and each bundled plugin's options table (from its option specs). Regenerate
// with `pnpm readme`.
import { readFileSync } from 'node:fs';
import { createRegistry, isInputPlugin } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { builtinFormats } from '../src/formats.js';
import {
  formatsMarkdown,
  packageFolder,
  withFormatsTable,
  withOptionsTable,
} from '../src/formats-table.js';

const root = new URL('../../../', import.meta.url);

describe('generated README tables', () => {
  it('root README: the format table matches the registry', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    expect(readme).toBe(withFormatsTable(readme, formatsMarkdown(createRegistry(builtinFormats))));
  });

  for (const plugin of builtinFormats.filter((p) => p.name !== 'ir')) {
    it(`${packageFolder(plugin)}/README.md: the options table matches the option specs`, () => {
      const readme = readFileSync(new URL(`${packageFolder(plugin)}/README.md`, root), 'utf8');
      expect(readme).toBe(withOptionsTable(readme, plugin));
      expect(readme).toContain(
        isInputPlugin(plugin) ? `@pyprof/input-${plugin.name}` : `@pyprof/output-${plugin.name}`,
      );
    });
  }
});
