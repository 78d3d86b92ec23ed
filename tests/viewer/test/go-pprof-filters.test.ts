// Issue 24, checked with the real `go tool pprof`: pyprof's filters are pprof's. For every
// input of the Node filters test (tests/integration/test/filters-corpus.test.ts) and a set
// of patterns — a module, a function, a file path, the standard library, built-ins, one
// that matches nothing — `go tool pprof -top -FLAG=RE` on pyprof's unfiltered pprof file
// lists the same functions with the same flat and cum nanoseconds (±1) as `go tool pprof
// -top` on `pyprof convert … --FLAG RE --to pprof`, and pyprof's `--to text` table with
// the filter shows the same numbers (in its milliseconds). Functions are compared by their
// identity (file, first line, name): a filtered file names its functions among fewer
// functions, so a name qualified in the whole file (`_compiler.compile`) may be bare in
// the filtered one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUDGET_FRAME_NAME,
  chunksToBytes,
  convert,
  createRegistry,
  filterTransform,
  functionFile,
  functionKey,
  functionKind,
  functionName,
  isStdlibFunction,
  type Profile,
  patternPredicate,
  type StackFilters,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { pprof } from '@pyprof/output-pprof';
import { formatFixed, text } from '@pyprof/output-text';
import { afterAll, describe, expect, it } from 'vitest';
import { filterInputs } from '../../integration/test/filter-inputs.js';
import { matchNames, namesMatch, readPprof } from '../../integration/test/pprof-support.js';
import { goPprofIn, parseTop, TOP_FLAGS, type Top } from './go-pprof.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-go-filters-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const goPprof = goPprofIn(folder);
const registry = createRegistry([cprofile, pprof, text]);

/**
 * The standard library as an RE2 pattern for Go (no lookahead there): the library
 * directories `--hide-stdlib` hides, for inputs without site-packages (checked below).
 */
const STDLIB = '/lib/python[0-9.]+/|^<frozen ';

interface Case {
  name: string;
  /** Go's flag and pattern. */
  go: [string, string];
  /** The same filter in pyprof. */
  filters: StackFilters;
}

const cases: Case[] = [
  {
    name: '--focus a module (its file)',
    go: ['focus', 'shop\\.py$|medium|parser'],
    filters: { focus: patternPredicate('shop\\.py$|medium|parser') },
  },
  {
    name: '--focus a function',
    go: ['focus', '^(tax|main|parse_expression|fib)$'],
    filters: { focus: patternPredicate('^(tax|main|parse_expression|fib)$') },
  },
  {
    name: '--ignore a file path',
    go: ['ignore', '/json/|decoder'],
    filters: { ignore: patternPredicate('/json/|decoder') },
  },
  { name: '--hide-stdlib', go: ['hide', STDLIB], filters: { hide: [isStdlibFunction] } },
  {
    name: '--hide built-ins',
    go: ['hide', '^<built-in method'],
    filters: { hide: [patternPredicate('^<built-in method')] },
  },
  {
    name: '--show-from a function',
    go: ['show_from', '^main$'],
    filters: { showFrom: patternPredicate('^main$') },
  },
  {
    name: '--focus that matches nothing',
    go: ['focus', 'no function is called this'],
    filters: { focus: patternPredicate('no function is called this') },
  },
];

const inputs = filterInputs();

interface Converted {
  bytes: Uint8Array;
  whole: Profile;
}

async function convertTo(data: Uint8Array, to: string, filters?: StackFilters): Promise<Converted> {
  const result = await convert({
    registry,
    inputs: [{ data, name: 'input.prof' }],
    to,
    ...(filters ? { transforms: [filterTransform(filters)] } : {}),
  });
  const bytes = chunksToBytes(result.chunks as Iterable<Uint8Array | string>);
  return { bytes, whole: result.set.whole };
}

/** Each function's identity by the name the pprof file gives it (its budget frame: itself). */
function identities(c: Converted): Map<string, string> {
  const names = matchNames(c.whole, readPprof(c.bytes), true);
  const out = new Map<string, string>([[BUDGET_FRAME_NAME, BUDGET_FRAME_NAME]]);
  for (const [fn, name] of names) out.set(name, identity(c.whole, fn));
  return out;
}

/** A function's identity; a filtered profile's row for the budget frame is the frame. */
function identity(whole: Profile, fn: number): string {
  const budget =
    functionName(whole, fn) === BUDGET_FRAME_NAME &&
    functionFile(whole, fn) === '' &&
    functionKind(whole, fn) === 'synthetic';
  return budget ? BUDGET_FRAME_NAME : functionKey(whole, fn);
}

/** A `-top` table by identity: [flat, cum] per function. */
function byIdentity(top: Top, ids: Map<string, string>): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const name of top.names) {
    const id = ids.get(name);
    expect(id, `identity of ${name}`).toBeDefined();
    out.set(id as string, [top.flat.get(name) as number, top.cum.get(name) as number]);
  }
  return out;
}

/**
 * The text table's rows by identity: [self cell, total cell] per function, each row
 * matched to the one function of the filtered profile at its location with a name the
 * naming service may have made for it.
 */
function tableRows(output: string, whole: Profile): Map<string, [string, string]> {
  const lines = output.split('\n');
  const header = lines.findIndex((line) => /^calls\s+self ms/.test(line));
  expect(header).toBeGreaterThan(0);
  const head = lines[header] as string;
  const nameAt = head.indexOf('function');
  const locationAt = head.indexOf('location');
  const byLocation = new Map<string, number[]>();
  for (let fn = 0; fn < whole.functions.length; fn++) {
    const kind = functionKind(whole, fn);
    const where =
      kind === 'builtin'
        ? '(built-in)'
        : `${functionFile(whole, fn) || '(no name)'}:${whole.functions.line[fn]}`;
    byLocation.set(where, [...(byLocation.get(where) ?? []), fn]);
  }
  const rows = new Map<string, [string, string]>();
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '') break;
    const cells = line.slice(0, nameAt).trim().split(/\s+/);
    const name = line.slice(nameAt, locationAt).trim();
    const location = line.slice(locationAt).trim();
    const found = (byLocation.get(location) ?? []).filter((fn) =>
      namesMatch(name, functionName(whole, fn), whole.functions.line[fn] as number),
    );
    expect(found, `${name} ${location}`).toHaveLength(1);
    rows.set(identity(whole, found[0] as number), [cells[1] as string, cells[3] as string]);
  }
  return rows;
}

/** Go's nanoseconds as the table shows them: milliseconds with 3 decimals. */
function shown(nanoseconds: number, cell: string): boolean {
  if (formatFixed(nanoseconds / 1e6, 3) === cell) return true;
  // On a tie (…500 ns) either rounding is the same number.
  return nanoseconds % 1000 === 500 && Math.abs(Number(cell) * 1e6 - nanoseconds) === 500;
}

describe('filters agree with go tool pprof on the unfiltered file', () => {
  it('covers the inputs, which have no site-packages (so STDLIB is --hide-stdlib)', async () => {
    expect(inputs.length).toBe(8);
    for (const [name, bytes] of inputs) {
      const { whole } = await convertTo(bytes(), 'pprof');
      for (let fn = 0; fn < whole.functions.length; fn++)
        expect(functionFile(whole, fn), name).not.toMatch(/(site|dist)-packages/);
    }
  }, 60_000);

  for (const [input, bytes] of inputs) {
    it(input, async () => {
      const data = bytes();
      const unfiltered = await convertTo(data, 'pprof');
      const path = join(folder, 'unfiltered.pb.gz');
      writeFileSync(path, unfiltered.bytes);
      const idsUnfiltered = identities(unfiltered);
      const reading = readPprof(unfiltered.bytes);
      const time = (reading.sampleTypes[reading.sampleIndex] as [string, string])[0];
      let compared = 0;
      for (const { name, go, filters } of cases) {
        const [flag, pattern] = go;
        const expected = byIdentity(
          parseTop(goPprof(path, ...TOP_FLAGS, `-sample_index=${time}`, `-${flag}=${pattern}`)),
          idsUnfiltered,
        );
        const filtered = await convertTo(data, 'pprof', filters);
        if (expected.size === 0) {
          // Nothing kept: Go shows an empty table, pyprof writes a file without samples
          // (which Go refuses: "profile has no samples") and says so.
          expect(readPprof(filtered.bytes, undefined, { allowEmpty: true }).samples, name).toEqual(
            [],
          );
          continue;
        }
        const filteredPath = join(folder, 'filtered.pb.gz');
        writeFileSync(filteredPath, filtered.bytes);
        const got = byIdentity(parseTop(goPprof(filteredPath, ...TOP_FLAGS)), identities(filtered));
        expect([...got.keys()].sort(), name).toEqual([...expected.keys()].sort());
        for (const [id, [flat, cum]] of expected) {
          const [f, c] = got.get(id) as [number, number];
          expect(Math.abs(f - flat), `${name}: flat of ${id}`).toBeLessThanOrEqual(1);
          expect(Math.abs(c - cum), `${name}: cum of ${id}`).toBeLessThanOrEqual(1);
        }
        // The table with the same filter shows Go's numbers.
        const table = await convertTo(data, 'text', filters);
        const rows = tableRows(new TextDecoder().decode(table.bytes), table.whole);
        expect([...rows.keys()].sort(), `${name}: table rows`).toEqual([...expected.keys()].sort());
        for (const [id, [flat, cum]] of expected) {
          const [self, total] = rows.get(id) as [string, string];
          expect(shown(flat, self), `${name}: self of ${id}: ${self} vs ${flat} ns`).toBe(true);
          expect(shown(cum, total), `${name}: total of ${id}: ${total} vs ${cum} ns`).toBe(true);
        }
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
    }, 300_000);
  }
});
