// Every library package's public exports, names and kinds, against a committed snapshot
// (public-exports.snap.txt): a change to what a package exports shows as a diff here and
// must be deliberate (`vitest run -u` rewrites it). Kinds come from the built .d.ts, which
// also holds the type-only exports; the built module's own keys must match its values.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportsOf, libraryPackages, VALUE_KINDS } from '../../../scripts/public-api.mjs';

const packages = libraryPackages().map((p) => ({
  ...p,
  types: join(p.dir, 'dist', 'index.d.ts'),
  module: join(p.dir, 'dist', 'index.js'),
}));

describe('public exports', () => {
  it('match the committed snapshot', { timeout: 120_000 }, async () => {
    const declared = exportsOf(packages.map((p) => p.types));
    const lines = [
      '# The public exports of every library package (name: kind), from its built index.d.ts.',
      '# Written by tests/integration/test/public-exports.test.ts; update with `vitest run -u`.',
    ];
    for (const pkg of packages) {
      const list = declared.get(pkg.types) ?? [];
      const values = list.filter((e) => VALUE_KINDS.has(e.kind)).map((e) => e.name);
      const runtime = Object.keys(await import(pathToFileURL(pkg.module).href)).sort();
      expect(runtime, `${pkg.name}: run-time exports vs the .d.ts's values`).toEqual(values);
      lines.push(
        '',
        `${pkg.name} (${list.length}: ${values.length} values, ${list.length - values.length} types)`,
        ...list.map((e) => `  ${e.name}: ${e.kind}`),
      );
    }
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('public-exports.snap.txt');
  });
});
