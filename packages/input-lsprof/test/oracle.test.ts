// Every corpus lsprof pickle reads to exactly its oracle (written by the producing
// interpreter's own pickle module): the globals the scan collects, the protocol and opcode
// count, and for the main thread and every thread the same labels, call counts and times
// (bit for bit), entry numbers summed where distinct code objects share a label.
import {
  type Diagnostic,
  Diagnostics,
  displayText,
  functionFile,
  functionKind,
  functionName,
  type Profile,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { lsprof, scanPickle } from '../src/index.js';
import {
  expectedOf,
  lsprofFixtures,
  type Numbers,
  type OracleStats,
  readFixture,
  readOracle,
} from './corpus.js';

/** The label a function row was read from. */
function labelOf(profile: Profile, fn: number): string {
  const name = displayText(functionName(profile, fn));
  if (functionKind(profile, fn) === 'builtin') return name;
  return `${displayText(functionFile(profile, fn))}:${profile.functions.line[fn]}(${name})`;
}

function expectSameNumbers(actual: Numbers, expected: Numbers, what: string): void {
  expect(actual[0], `${what} calls`).toBe(expected[0]);
  expect(actual[1], `${what} primitive calls`).toBe(expected[1]);
  expect(
    Object.is(actual[2], expected[2]),
    `${what} self time ${actual[2]} vs ${expected[2]}`,
  ).toBe(true);
  expect(
    Object.is(actual[3], expected[3]),
    `${what} inclusive time ${actual[3]} vs ${expected[3]}`,
  ).toBe(true);
}

function expectProfileMatches(
  profile: Profile,
  stats: OracleStats,
  diagnostics: readonly Diagnostic[],
): void {
  expect(validateProfile(profile).errors).toEqual([]);
  expect(validateProfile(profile).warnings).toEqual([]);
  const { functions, edges, dangling } = expectedOf(stats);
  // The reader says when labels were merged or a callee had no entry, in this part.
  const part = profile.metadata.label as string;
  const codes = diagnostics.filter((w) => w.message.startsWith(`${part}:`)).map((w) => w.code);
  expect(codes.includes('duplicate-label')).toBe(functions.size < stats.data.length);
  expect(codes.includes('dangling-callee')).toBe(dangling.size > 0);
  const rows = new Map<string, number>();
  for (let fn = 0; fn < profile.functions.length; fn++) {
    const label = labelOf(profile, fn);
    expect(rows.has(label), `one row per label: ${label}`).toBe(false);
    rows.set(label, fn);
  }
  expect(profile.functions.length).toBe(functions.size + dangling.size);
  const f = profile.functions;
  // Entries first, in pickle order.
  expect([...rows.keys()].slice(0, functions.size)).toEqual([...functions.keys()]);
  for (const [label, numbers] of functions) {
    const fn = rows.get(label) as number;
    expectSameNumbers(
      [f.callCount[fn], f.primitiveCallCount[fn], f.selfTime[fn], f.inclusiveTime[fn]] as Numbers,
      numbers,
      label,
    );
  }
  for (const label of dangling) {
    const fn = rows.get(label) as number;
    expect(fn, `dangling callee ${label}`).toBeDefined();
    expect(f.callCount[fn]).toBe(0);
  }
  const c = profile.calls;
  expect(c.length).toBe(edges.size);
  for (let e = 0; e < c.length; e++) {
    const key = `${labelOf(profile, c.caller[e] as number)}\u0000${labelOf(profile, c.callee[e] as number)}`;
    const numbers = edges.get(key);
    expect(numbers, `edge ${key}`).toBeDefined();
    expectSameNumbers(
      [c.callCount[e], c.primitiveCallCount[e], c.selfTime[e], c.inclusiveTime[e]] as Numbers,
      numbers as Numbers,
      key,
    );
  }
}

const fixtures = lsprofFixtures();

describe('lsprof corpus against oracles', () => {
  it('has the whole corpus', () => {
    expect(fixtures.length).toBe(23);
  });

  for (const entry of fixtures) {
    it(entry.file, { timeout: 60_000 }, () => {
      const oracle = readOracle(entry);
      const bytes = readFixture(entry.file);

      const scan = scanPickle(bytes);
      expect(scan.protocol).toBe(oracle.pickle_protocol);
      expect(scan.globals).toEqual(oracle.pickle_globals);
      expect(scan.opcodeCount).toBe(oracle.opcode_count);
      expect(scan.end).toBe(bytes.length);

      const diagnostics = new Diagnostics();
      const set = readWith(lsprof, bytes, { diagnostics });
      const threads = oracle.stats.threads;
      expect(set.parts).toHaveLength(1 + threads.length);
      expect(oracle.thread_count).toBe(threads.length);
      expect(oracle.entry_count).toBe(oracle.stats.data.length);

      const producer = oracle.stats.class.replace(/\.lsprof\.Stats$/, '');
      const python = entry.python.startsWith('2.') ? 2 : 3;
      for (const part of set.parts) {
        expect(part.metadata.format).toBe('lsprof');
        expect(part.metadata.producer).toBe(producer);
        expect(part.metadata.pythonMajor).toBe(python);
      }
      expect(set.parts[0]?.metadata.label).toBe('main thread');
      expect(set.parts[0]?.metadata.threadId).toBeUndefined();
      expect(set.parts.map((p) => p.metadata.mainThread)).toEqual(
        set.parts.map((_, k) => (k === 0 ? true : undefined)),
      );
      expectProfileMatches(set.parts[0] as Profile, oracle.stats, diagnostics.list);
      // The oracle lists threads sorted by id; the set keeps the pickle's order.
      const byId = new Map(set.parts.slice(1).map((p) => [p.metadata.threadId, p]));
      expect(byId.size).toBe(threads.length);
      for (const [id, stats] of threads) {
        const part = byId.get(String(id)) as Profile;
        expect(part, `thread ${id}`).toBeDefined();
        expect(part.metadata.label).toBe(`thread ${id}`);
        expectProfileMatches(part, stats, diagnostics.list);
      }

      if (threads.length === 0) expect(set.whole).toBe(set.parts[0]);
      else {
        expect(set.whole.metadata.label).toBe('all threads');
        expect(validateProfile(set.whole).errors).toEqual([]);
        let calls = 0;
        for (const part of set.parts) for (const n of part.functions.callCount) calls += n;
        let wholeCalls = 0;
        for (const n of set.whole.functions.callCount) wholeCalls += n;
        expect(wholeCalls).toBe(calls);
      }
    });
  }
});
