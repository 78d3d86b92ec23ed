// line_profiler → callgrind → valgrind's `callgrind_annotate --auto=yes -I=<source dir>`:
// the annotated source shows, on every line line_profiler timed, the same hits and the same
// time as line_profiler's own report (`python3 -m line_profiler file.lprof`, recorded by
// the fixture script): the time printed as line_profiler prints it (`'%5.1f' % (time ×
// unit / 1e-6)`), from the nanoseconds callgrind_annotate shows. And no other line carries
// a cost, except the zero placeholder of a function that never ran.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWith, writeToBytes } from '@pyprof/core';
import { lineProfiler } from '@pyprof/input-line-profiler';
import { callgrind } from '@pyprof/output-callgrind';
import { formatFixed } from '@pyprof/output-text';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fixturesDir,
  lprofFixtures,
  readFixture,
  readOracle,
  readReport,
} from '../../../packages/input-line-profiler/test/corpus.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-line-profiler-annotate-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const root = join(import.meta.dirname, '..', '..', '..');
/** Where each real run's program ran (the .lprof's file names are relative to it). */
function sourceDir(file: string): string {
  return file.includes('kernprof-')
    ? join(fixturesDir, 'programs')
    : join(root, 'corpus', 'programs');
}

/** line_profiler's report: for each timed line, [hits, time as printed]. */
function reportedLines(report: string): Map<string, [number, string]> {
  const lines = new Map<string, [number, string]>();
  let file = '';
  for (const line of report.split('\n')) {
    const header = /^File: (.*)$/.exec(line);
    if (header) file = header[1] as string;
    const row = /^ *(\d+) +(\d+) +([\d.]+) +([\d.]+) +([\d.]+) {2}/.exec(line);
    if (row) lines.set(`${file}:${row[1]}`, [Number(row[2]), row[3] as string]);
  }
  return lines;
}

/**
 * callgrind_annotate's annotated sources: for each line with a cost, [ns, hits]. A source
 * is its title line, a rule, the column header, then the lines (`-- line N --` where it
 * skips), up to the next rule; `(dir)/ + (name)` titles a file found through `-I`.
 */
function annotatedLines(output: string): Map<string, [number, number]> {
  const lines = new Map<string, [number, number]>();
  let file: string | undefined;
  let started = false;
  let next = 1;
  for (const line of output.split('\n')) {
    const source = /^-- Auto-annotated source: (.*)$/.exec(line);
    if (source) {
      // A file found through -I is titled `<dir>/ + <name>`.
      file = (source[1] as string).replace(/^.* \+ /, '');
      started = false;
      next = 1;
      continue;
    }
    if (file === undefined) continue;
    if (!started) {
      started = /^ns +hits/.test(line);
      continue;
    }
    if (line.startsWith('-----')) {
      file = undefined;
      continue;
    }
    const jump = /^-- line (\d+) -+$/.exec(line);
    if (jump) {
      next = Number(jump[1]);
      continue;
    }
    const cost = /^ *(\.|[\d,]+)(?: \( *[\d.]+%\))? +(\.|[\d,]+)(?: \( *[\d.]+%\))? {2}/.exec(line);
    if (!cost) continue;
    if (cost[1] !== '.') {
      const number = (text: string) => Number(text.replace(/,/g, ''));
      lines.set(`${file}:${next}`, [number(cost[1] as string), number(cost[2] as string)]);
    }
    next++;
  }
  return lines;
}

const realRuns = lprofFixtures().filter((file) => file.startsWith('lprof/py311-lp402/'));

describe('callgrind_annotate shows line_profiler’s own per-line numbers', () => {
  it('covers the real line_profiler runs', () => {
    expect(realRuns).toHaveLength(5);
  });

  for (const [index, file] of realRuns.entries()) {
    it(file, () => {
      const oracle = readOracle(file);
      expect(oracle.unit).toBe(1e-9);
      const set = readWith(lineProfiler, readFixture(file), { needs: callgrind.needs });
      const path = join(folder, `callgrind.out.${index}`);
      writeFileSync(path, writeToBytes(callgrind, set));
      const run = spawnSync(
        'callgrind_annotate',
        ['--auto=yes', '--threshold=100', '--context=1000', `-I=${sourceDir(file)}`, path],
        { encoding: 'utf8', cwd: folder },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const annotated = annotatedLines(run.stdout);
      const reported = reportedLines(readReport(file));
      expect(reported.size).toBeGreaterThan(0);
      // line_profiler's scalar: unit / output unit (1e-6 by default), as a double.
      const scalar = oracle.unit / 1e-6;
      for (const [where, [hits, time]] of reported) {
        const shown = annotated.get(where);
        expect(shown, where).toBeDefined();
        const [ns, shownHits] = shown as [number, number];
        expect(shownHits, where).toBe(hits);
        expect(formatFixed(ns * scalar, 1), where).toBe(time);
      }
      for (const [where, [ns, hits]] of annotated) {
        if (!reported.has(where)) expect([where, ns, hits]).toEqual([where, 0, 0]);
      }
    });
  }
});
