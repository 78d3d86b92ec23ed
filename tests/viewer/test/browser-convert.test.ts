// Core's pipeline in a browser (issue 14): @pyprof/core, @pyprof/input-cprofile and
// @pyprof/output-callgrind bundled for the browser with rolldown (the bundler the build
// uses), loaded into Debian's chromium, converting a gzipped pstats dump — gzip unpacked
// by the browser's own DecompressionStream — to callgrind. The bytes and the diagnostics
// must be what the same conversion gives in Node, and the bundle must need nothing of
// Node's.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chunksToBytes, convert, createRegistry } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { callgrind } from '@pyprof/output-callgrind';
import type { Browser } from 'playwright-core';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './speedscope-app.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const packages = join(dirname(require.resolve('@pyprof/core/package.json')), '..');
const folder = join(here, '..', '.generated', 'browser-convert');

/** The page's entry: what a web page using pyprof would write. */
const ENTRY = `
import { chunksToBytes, convert, createRegistry } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { callgrind } from '@pyprof/output-callgrind';

globalThis.convertProfile = async (name, bytes, byteChunks) => {
  // Once as bytes, once as a web stream of small chunks (what fetch() or a File gives).
  const stream = new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += byteChunks) controller.enqueue(bytes.slice(at, at + byteChunks));
      controller.close();
    },
  });
  const results = [];
  for (const data of [bytes, stream]) {
    const { chunks, diagnostics } = await convert({
      registry: createRegistry([cprofile, callgrind]),
      inputs: [{ name, data }],
      to: 'callgrind',
      producer: 'pyprof-browser-test',
    });
    const output = await chunksToBytes(chunks);
    results.push({ output: Array.from(output), diagnostics: diagnostics.list.map((d) => ({ ...d })) });
  }
  return results;
};
`;

let browser: Browser;
let bundle: string;

beforeAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'entry.js'), ENTRY);
  const build = await rolldown({
    input: join(folder, 'entry.js'),
    platform: 'browser',
    logLevel: 'warn',
  });
  const { output } = await build.generate({ format: 'iife' });
  await build.close();
  bundle = output[0].code;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('convert in the browser', () => {
  it('bundles core and two plugins without anything of Node', () => {
    expect(bundle).toContain('DecompressionStream');
    expect(bundle).not.toMatch(/\bnode:[a-z]/);
    expect(bundle).not.toMatch(/\brequire\(/);
  });

  it('converts a gzipped pstats dump to the bytes Node gives, with the same diagnostics', async () => {
    // A yappi dump: its reader warns (yappi-counts), so there are diagnostics to compare.
    for (const fixture of ['py312/medium.cprofile.prof', 'yappi/recursion.yappi-cpu.prof']) {
      const raw = readFileSync(
        join(packages, 'input-cprofile', 'test', 'fixtures', 'pstats', fixture),
      );
      const packed = new Uint8Array(gzipSync(raw));
      const name = `${fixture.split('/')[1]}.gz`;

      const node = await convert({
        registry: createRegistry([cprofile, callgrind]),
        inputs: [{ name, data: packed }],
        to: 'callgrind',
        producer: 'pyprof-browser-test',
      });
      const expected = await chunksToBytes(node.chunks);
      const expectedDiagnostics = node.diagnostics.list.map((d) => ({ ...d }));

      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.route(/.*/, (route) => route.abort()); // no network
      await page.setContent('<!doctype html><title>pyprof</title>');
      await page.addScriptTag({ content: bundle });
      const results = (await page.evaluate(
        ([fileName, bytes]) =>
          (
            globalThis as unknown as {
              convertProfile(n: string, b: Uint8Array, c: number): Promise<unknown>;
            }
          ).convertProfile(fileName as string, new Uint8Array(bytes as number[]), 4096),
        [name, Array.from(packed)] as const,
      )) as Array<{ output: number[]; diagnostics: unknown[] }>;
      await page.close();
      expect(errors).toEqual([]);
      expect(results).toHaveLength(2);
      for (const result of results) {
        expect(Buffer.from(result.output).equals(Buffer.from(expected))).toBe(true);
        expect(result.diagnostics).toEqual(expectedDiagnostics);
      }
      if (fixture.startsWith('yappi')) {
        expect(expectedDiagnostics.map((d) => (d as { code: string }).code)).toEqual([
          'yappi-counts',
        ]);
      }
    }
  });
});
