// docs/adding-a-plugin.md cannot drift: its code blocks that name a file are written into
// a scratch folder inside this package (so they resolve @pyprof/* like a user's project
// does), the plugin is loaded from there, and the document's own test file is imported
// here so its suites — the testkit's conformance suite among them — run as part of this
// file.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isOutputPlugin } from '@pyprof/core';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '..', '..', '..', 'docs', 'adding-a-plugin.md'), 'utf8');
const blocks = [...doc.matchAll(/```\w+ file=(\S+)\n([\s\S]*?)```/g)].map((m) => ({
  file: m[1] as string,
  code: m[2] as string,
}));
const folder = join(here, '..', '.generated', 'adding-a-plugin');
rmSync(folder, { recursive: true, force: true });
mkdirSync(folder, { recursive: true });
for (const block of blocks) writeFileSync(join(folder, block.file), block.code);

describe('docs/adding-a-plugin.md', () => {
  it('has the plugin, its package.json and its test', () => {
    expect(blocks.map((b) => b.file).sort()).toEqual([
      'counts.test.js',
      'index.js',
      'package.json',
    ]);
    const manifest = JSON.parse(blocks.find((b) => b.file === 'package.json')?.code ?? '');
    expect(manifest).toMatchObject({
      type: 'module',
      exports: './index.js',
      peerDependencies: { '@pyprof/core': expect.stringMatching(/^\^/) },
    });
    expect(manifest.dependencies?.['@pyprof/core']).toBeUndefined();
  });

  it('names what contributing a package must touch, and the worked example follows it', () => {
    for (const place of [
      'apps/cli/src/formats.ts',
      "apps/cli/package.json`'s `dependencies`",
      'tests/viewer/test/packed-install.test.ts',
    ])
      expect(doc).toContain(place);
    const example = JSON.parse(
      readFileSync(join(here, '..', '..', '..', 'examples', 'csv-table', 'package.json'), 'utf8'),
    );
    expect(example.peerDependencies['@pyprof/core']).toBe('workspace:^');
    expect(example.dependencies?.['@pyprof/core']).toBeUndefined();
  });

  it('default-exports an output plugin, as --plugin expects', async () => {
    const module = await import(pathToFileURL(join(folder, 'index.js')).href);
    expect(isOutputPlugin(module.default)).toBe(true);
    expect(module.default.name).toBe('counts');
  });
});

// The document's own test file: registers its suites here.
await import(pathToFileURL(join(folder, 'counts.test.js')).href);
