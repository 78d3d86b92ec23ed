// diffProfiles / matchFunctions: which function is which across two runs, and the numbers
// each side had (exact: every delta is the difference of the two profiles' own numbers).
import { describe, expect, it } from 'vitest';
import {
  Diagnostics,
  diffProfiles,
  matchFunctions,
  type Profile,
  ProfileBuilder,
  uniqueFunctionNames,
  validateProfile,
} from '../src/index.js';

type Row = [string, number, string, number, number, number];

function profile(fns: Row[], metadata: Partial<Profile['metadata']> = {}): Profile {
  const b = new ProfileBuilder({ format: 'test', ...metadata });
  const rows = fns.map(([file, line, name, nc, tt, ct]) => {
    const f = b.addFunction(file, line, name);
    b.addFunctionStats(f, {
      callCount: nc,
      primitiveCallCount: nc,
      selfTime: tt,
      inclusiveTime: ct,
    });
    return f;
  });
  // main calls everything else
  for (let k = 1; k < rows.length; k++) {
    const [, , , nc, tt, ct] = fns[k] as Row;
    b.addCall(rows[0] as number, rows[k] as number, {
      callCount: nc,
      primitiveCallCount: nc,
      selfTime: tt,
      inclusiveTime: ct,
    });
  }
  return b.build();
}

const base = profile([
  ['app.py', 1, 'main', 1, 0.1, 1.0],
  ['app.py', 5, 'parse', 3, 0.3, 0.3],
  ['app.py', 9, 'tax', 10, 0.2, 0.2],
  ['app.py', 12, '<lambda>', 4, 0.01, 0.01],
  ['app.py', 13, '<lambda>', 4, 0.02, 0.02],
  ['app.py', 20, 'gone', 1, 0.05, 0.05],
]);
const next = profile([
  ['app.py', 1, 'main', 1, 0.1, 1.5],
  ['app.py', 5, 'parse', 3, 0.25, 0.25],
  ['app.py', 11, 'tax', 10, 0.8, 0.8],
  ['app.py', 14, '<lambda>', 4, 0.01, 0.01],
  ['app.py', 15, '<lambda>', 4, 0.03, 0.03],
  ['app.py', 30, 'fresh', 2, 0.07, 0.07],
]);

describe('matchFunctions', () => {
  const m = matchFunctions(base, next);
  it('matches the full identity first, then file and name when one function is left on each side', () => {
    expect([...m.baseOf]).toEqual([0, 1, 2, -1, -1, -1]);
    expect([...m.nextOf]).toEqual([0, 1, 2, -1, -1, -1]);
    expect(m.moved).toEqual([{ base: 2, next: 2 }]);
  });
  it('reports several same-named functions whose lines moved instead of guessing', () => {
    expect(m.ambiguous).toEqual([{ file: 'app.py', name: '<lambda>', base: [3, 4], next: [3, 4] }]);
  });
  it('matches by strings, whatever each profile interned first', () => {
    const reordered = profile([
      ['other.py', 2, 'x', 1, 0, 0],
      ['app.py', 5, 'parse', 1, 0, 0],
    ]);
    expect([...matchFunctions(base, reordered).baseOf]).toEqual([-1, 1]);
  });
});

describe('diffProfiles', () => {
  const diagnostics = new Diagnostics();
  const diff = diffProfiles(base, next, { diagnostics: diagnostics.sink('diff', 'transform') });

  it('gives every function of either side one row with both sides numbers', () => {
    const byName = uniqueFunctionNames(diff.set.whole);
    const rows = diff.rows.map((r) => [
      byName[r.function],
      r.base,
      r.next,
      r.baseSelf,
      r.nextSelf,
      r.baseInclusive,
      r.nextInclusive,
    ]);
    expect(rows).toEqual([
      ['main', 0, 0, 0.1, 0.1, 1.0, 1.5],
      ['parse', 1, 1, 0.3, 0.25, 0.3, 0.25],
      ['tax', 2, 2, 0.2, 0.8, 0.2, 0.8],
      ['<lambda>:14', -1, 3, 0, 0.01, 0, 0.01],
      ['<lambda>:15', -1, 4, 0, 0.03, 0, 0.03],
      ['fresh', -1, 5, 0, 0.07, 0, 0.07],
      ['<lambda>:12', 3, -1, 0.01, 0, 0.01, 0],
      ['<lambda>:13', 4, -1, 0.02, 0, 0.02, 0],
      ['gone', 5, -1, 0.05, 0, 0.05, 0],
    ]);
    expect(diff.rows[2]?.movedFrom).toBe(11 - 2);
    expect(diff.rows.filter((r) => r.movedFrom !== undefined)).toHaveLength(1);
  });

  it('puts a moved function on one identity in both parts, so writers see one function', () => {
    expect(diff.base.functions.line[2]).toBe(11);
    expect(diff.set.whole.functions.length).toBe(9);
    expect(diff.set.parts.map((p) => p.metadata.label)).toEqual(['BASE', 'NEW']);
    for (const p of [...diff.set.parts, diff.set.whole])
      expect(validateProfile(p).errors).toEqual([]);
  });

  it('says what it matched by name and what it would not guess', () => {
    expect(diagnostics.list.map((d) => [d.severity, d.code, d.message])).toEqual([
      [
        'info',
        'moved-function',
        '1 function matched by file and name because the line moved: tax 9→11',
      ],
      [
        'warning',
        'ambiguous-match',
        '<lambda> (app.py) not matched: its lines moved and it is there 2 times in BASE (lines 12, 13) and 2 times in NEW (lines 14, 15); shown as removed and new',
      ],
    ]);
  });

  it('scales BASE to NEW total when normalized, call counts kept', () => {
    const scaled = diffProfiles(base, next, { normalize: true });
    const factor = (0.1 + 0.25 + 0.8 + 0.01 + 0.03 + 0.07) / (0.1 + 0.3 + 0.2 + 0.01 + 0.02 + 0.05);
    expect(scaled.factor).toBe(factor);
    expect(scaled.rows[1]?.baseSelf).toBe(0.3 * factor);
    expect(scaled.rows[0]?.baseInclusive).toBe(1.0 * factor);
    expect(scaled.rows[1]?.baseCalls).toBe(3);
    expect(scaled.base.calls.inclusiveTime[0]).toBe(0.3 * factor);
  });

  it('refuses to compare samples with seconds', () => {
    const sampled = profile([['app.py', 1, 'main', Number.NaN, 5, 5]], {
      costUnit: 'samples',
      sampled: true,
    });
    expect(() => diffProfiles(base, sampled)).toThrow(
      'cannot compare a profile counted in seconds with one counted in samples',
    );
  });
});
