// valgrind's callgrind_annotate reads `pyprof diff --to callgrind` (issue 24): both events,
// Base and New, with no warning, PROGRAM TOTALS equal to each event's summary, and each
// function's two columns equal to the two runs' own times as the writer put them — the
// second real consumer of the two-event form, beside KCachegrind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunksToBytes, compareProfiles, createRegistry } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { callgrind } from '@pyprof/output-callgrind';
import { afterAll, describe, expect, it } from 'vitest';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-diff-annotate-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const fixtures = join(import.meta.dirname, '..', '..', 'integration', 'fixtures', 'diff');

describe('callgrind_annotate reads a two-event comparison', () => {
  it('run1.py312 vs changed.py312 (moved lines): totals and per-function columns', async () => {
    const input = (run: string) => ({
      data: new Uint8Array(readFileSync(join(fixtures, `${run}.prof`))),
      name: `${run}.prof`,
    });
    const result = await compareProfiles({
      registry: createRegistry([cprofile, callgrind]),
      base: [input('run1.py312')],
      next: [input('changed.py312')],
      to: 'callgrind',
    });
    const text = new TextDecoder().decode(chunksToBytes(result.chunks));
    const path = join(folder, 'callgrind.out.diff');
    writeFileSync(path, text);
    const run = spawnSync('callgrind_annotate', ['--auto=no', path], {
      encoding: 'utf8',
      cwd: folder,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Events recorded:  Base New');
    const summary = /^summary: (\d+) (\d+)$/m.exec(text);
    const totals = /^(\S+) +\(100\.0%\) +(\S+) +\(100\.0%\) +PROGRAM TOTALS/m.exec(run.stdout);
    expect([totals?.[1], totals?.[2]].map((t) => t?.replace(/,/g, ''))).toEqual([
      summary?.[1],
      summary?.[2],
    ]);
    // tax: four times the work in NEW, both columns on one row (one function).
    const tax = /^\s*([\d,]+) \([ \d.]+%\)\s+([\d,]+) \([ \d.]+%\)\s+shop\.py:tax$/m.exec(
      run.stdout,
    );
    const row = result.diff.rows.find(
      (r) =>
        result.diff.set.whole.strings[
          result.diff.set.whole.functions.name[r.function] as number
        ] === 'tax',
    );
    expect(tax?.slice(1, 3).map((v) => Number(v.replace(/,/g, '')))).toEqual([
      Math.round((row?.baseSelf ?? Number.NaN) * 1e9),
      Math.round((row?.nextSelf ?? Number.NaN) * 1e9),
    ]);
  }, 30_000);
});
