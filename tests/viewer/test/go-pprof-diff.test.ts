// Issue 24, checked with the real `go tool pprof`: for the diff corpus pairs (two runs of
// one program, two Python versions, a changed copy with moved lines;
// tests/integration/fixtures/diff), `go tool pprof -top` on `pyprof diff BASE NEW --to
// pprof` shows what `go tool pprof -top -diff_base=BASE.pb.gz NEW.pb.gz` shows on
// pyprof's own pprof files of the two runs: the same functions, flat and cum within 2 ns,
// and the same total (Go takes BASE's for percentages, from the `pprof::base` label).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunksToBytes, compareProfiles, convert, createRegistry } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { pprof } from '@pyprof/output-pprof';
import { afterAll, describe, expect, it } from 'vitest';
import { goPprofIn, parseTop, TOP_FLAGS } from './go-pprof.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-go-diff-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const goPprof = goPprofIn(folder);
const registry = createRegistry([cprofile, pprof]);
const fixtures = fileURLToPath(new URL('../../integration/fixtures/diff/', import.meta.url));
const input = (run: string) => ({
  data: new Uint8Array(readFileSync(join(fixtures, `${run}.prof`))),
  name: `${run}.prof`,
});

describe('pyprof diff --to pprof is go tool pprof -diff_base', () => {
  for (const [base, next] of [
    ['run1.py312', 'run2.py312'],
    ['run1.py311', 'run1.py312'],
    ['run1.py312', 'changed.py312'],
  ] as const) {
    it(`${base} vs ${next}`, async () => {
      const write = (name: string, bytes: Uint8Array) => {
        const path = join(folder, name);
        writeFileSync(path, bytes);
        return path;
      };
      const single = async (run: string) =>
        chunksToBytes(
          (await convert({ registry, inputs: [input(run)], to: 'pprof' })).chunks as Iterable<
            Uint8Array | string
          >,
        );
      const basePath = write('base.pb.gz', await single(base));
      const nextPath = write('next.pb.gz', await single(next));
      const compared = await compareProfiles({
        registry,
        base: [input(base)],
        next: [input(next)],
        to: 'pprof',
      });
      const diffPath = write('diff.pb.gz', chunksToBytes(compared.chunks));
      const expected = parseTop(goPprof(nextPath, ...TOP_FLAGS, `-diff_base=${basePath}`));
      const got = parseTop(goPprof(diffPath, ...TOP_FLAGS));
      expect(got.total).toBe(expected.total);
      expect([...got.names].sort()).toEqual([...expected.names].sort());
      // Both sides have changes either way, so the check is not of zeros.
      expect([...got.flat.values()].some((v) => v < 0)).toBe(true);
      expect([...got.flat.values()].some((v) => v > 0)).toBe(true);
      for (const name of expected.names) {
        const off = (a: number | undefined, b: number | undefined) =>
          Math.abs((a as number) - (b as number));
        expect(
          off(got.flat.get(name), expected.flat.get(name)),
          `flat of ${name}`,
        ).toBeLessThanOrEqual(2);
        expect(
          off(got.cum.get(name), expected.cum.get(name)),
          `cum of ${name}`,
        ).toBeLessThanOrEqual(2);
      }
    }, 60_000);
  }
});
