// Every corpus pstats dump reads to exactly its oracle: same keys, same cc/nc/tt/ct (bit
// for bit), same caller values, same totals. The one normalisation: the memory address in
// the oracle's rendering of a `profile`-module code-object key (the file does not store it).
import {
  displayText,
  functionFile,
  functionName,
  type Profile,
  readWith,
  totalCalls,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { cprofile } from '../src/index.js';
import { type OracleKey, pstatsFixtures, readFixture, readOracle } from './corpus.js';

const ADDRESS = / at 0x[0-9a-f]+/;

function keyOf(profile: Profile, fn: number): string {
  return JSON.stringify([
    displayText(functionFile(profile, fn)),
    profile.functions.line[fn],
    displayText(functionName(profile, fn)),
  ]);
}

function oracleKey(key: OracleKey): string {
  return JSON.stringify([
    key[0],
    key[1],
    key[0] === 'profile' ? key[2].replace(ADDRESS, '') : key[2],
  ]);
}

const fixtures = pstatsFixtures();

describe('pstats corpus against oracles', () => {
  it('has the whole corpus', () => {
    expect(fixtures.length).toBe(84);
  });

  for (const entry of fixtures) {
    it(entry.file, () => {
      const oracle = readOracle(entry);
      const yappi = entry.producer === 'yappi';
      const set = readWith(cprofile, readFixture(entry.file), {
        options: yappi ? { producer: 'yappi' } : {},
      });
      const profile = set.whole;
      expect(validateProfile(profile).errors).toEqual([]);
      expect(validateProfile(profile).warnings).toEqual([]);

      const rows = new Map<string, number>();
      for (let fn = 0; fn < profile.functions.length; fn++) rows.set(keyOf(profile, fn), fn);
      expect(profile.functions.length).toBe(oracle.function_count);

      // Caller edges indexed by (caller, callee).
      const edges = new Map<string, number>();
      const calls = profile.calls;
      for (let e = 0; e < calls.length; e++) edges.set(`${calls.caller[e]}>${calls.callee[e]}`, e);
      let edgeCount = 0;

      for (const f of oracle.functions) {
        const fn = rows.get(oracleKey(f.key));
        expect(fn, `function ${oracleKey(f.key)}`).toBeDefined();
        const i = fn as number;
        // yappi stores (ncall, nactualcall) where cProfile stores (cc, nc); read with
        // --producer yappi, the IR holds them the cProfile way round.
        const [cc, nc] = yappi ? [f.nc, f.cc] : [f.cc, f.nc];
        expect(profile.functions.primitiveCallCount[i]).toBe(cc);
        expect(profile.functions.callCount[i]).toBe(nc);
        expect(Object.is(profile.functions.selfTime[i], f.tt)).toBe(true);
        expect(Object.is(profile.functions.inclusiveTime[i], f.ct)).toBe(true);
        for (const c of f.callers) {
          const caller = rows.get(oracleKey(c.key));
          expect(caller, `caller ${oracleKey(c.key)}`).toBeDefined();
          const e = edges.get(`${caller}>${i}`);
          expect(e, `edge ${oracleKey(c.key)} -> ${oracleKey(f.key)}`).toBeDefined();
          const row = e as number;
          edgeCount++;
          if (typeof c.value === 'number') {
            expect(calls.callCount[row]).toBe(c.value);
            expect(calls.primitiveCallCount[row]).toBeNaN();
            expect(calls.selfTime[row]).toBeNaN();
            expect(calls.inclusiveTime[row]).toBeNaN();
          } else {
            const [enc, ecc, ett, ect] = c.value;
            expect(calls.callCount[row]).toBe(enc);
            expect(calls.primitiveCallCount[row]).toBe(ecc);
            expect(Object.is(calls.selfTime[row], ett)).toBe(true);
            expect(Object.is(calls.inclusiveTime[row], ect)).toBe(true);
          }
        }
      }
      expect(calls.length).toBe(edgeCount);

      // pstats totals: sums over the dict in its order.
      let primitive = 0;
      let tt = 0;
      for (let fn = 0; fn < profile.functions.length; fn++) {
        primitive += profile.functions.primitiveCallCount[fn] as number;
        tt += profile.functions.selfTime[fn] as number;
      }
      expect(totalCalls(profile)).toBe(yappi ? oracle.prim_calls : oracle.total_calls);
      expect(primitive).toBe(yappi ? oracle.total_calls : oracle.prim_calls);
      if (oracle.order === 'file-order') {
        expect(tt).toBe(oracle.total_tt);
      } else {
        // Python 2.7's pstats sums over its dict in hash order, which the file does not
        // record (2.7's marshal.load rebuilds the dict and may iterate it differently than
        // it was written), so float rounding may differ in the last bits: within 8 ulp.
        expect(Math.abs(tt - oracle.total_tt)).toBeLessThanOrEqual(
          8 * Number.EPSILON * oracle.total_tt,
        );
      }
    });
  }
});
