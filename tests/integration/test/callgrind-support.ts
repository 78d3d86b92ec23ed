// Shared by the callgrind integration tests: corpus pstats dumps converted to callgrind
// and matched, function by function, to their oracles through a reading with
// KCachegrind's rules (@pyprof/testkit's callgrind reader).
import { decodeText, readWith, sanitizeName, writeToBytes } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { callgrind, PROFILER_NAME, writtenFile } from '@pyprof/output-callgrind';
import {
  type FunctionRecord,
  functionsInCycles,
  inclusiveCost,
  type ParsedCallgrind,
  parseCallgrind,
} from '@pyprof/testkit';
import { expect } from 'vitest';
import {
  type ManifestEntry,
  type OracleKey,
  type PstatsOracle,
  readFixture,
  readOracle,
} from '../../../packages/input-cprofile/test/corpus.js';

export {
  type PstatsOracle,
  pstatsFixtures,
} from '../../../packages/input-cprofile/test/corpus.js';

/**
 * Converts a pstats fixture (path under the cprofile fixtures) to callgrind text, decoded
 * losslessly (a non-UTF-8 byte in a file name comes back as its escape, as in the IR).
 */
export function convert(relative: string, producer?: string): string {
  const set = readWith(cprofile, readFixture(relative), {
    options: producer === 'yappi' ? { producer: 'yappi' } : {},
  });
  return decodeText(writeToBytes(callgrind, set, { context: { producer: 'pyprof@test' } }));
}

/** The samename fixtures (not in the corpus manifest: see their README). */
export function samenameFixtures(): ManifestEntry[] {
  return ['py27', 'py38', 'py313'].map((tag) => {
    const file = `pstats/samename/samename.${tag}.cprofile.prof`;
    return {
      file,
      kind: 'pstats',
      python: tag,
      producer: 'cProfile',
      program: 'samename',
      options: 'python -m cProfile -o FILE PROGRAM',
      sidecars: { oracle: `${file}.oracle.json` },
    };
  });
}

export function oracleOf(entry: ManifestEntry): PstatsOracle {
  return readOracle(entry);
}

const ADDRESS = / at 0x[0-9a-f]+/;

/** An oracle key as a map key (a code object's address differs between its copies). */
export function oracleId(key: OracleKey): string {
  return JSON.stringify([
    key[0],
    key[1],
    key[0] === 'profile' ? key[2].replace(ADDRESS, '') : key[2],
  ]);
}

/** The name the reader sees for an oracle key, before any qualification by the writer. */
function baseName(key: OracleKey): string {
  // The profile module's code-object key: the reader labels it without the address.
  const name = key[0] === 'profile' ? key[2].replace(ADDRESS, '') : key[2];
  return sanitizeName(name);
}

/**
 * Whether `written` is a name the naming service may have made for `key`: the bare name,
 * a dotted prefix (module or package path), a `:line` suffix, a `(file:line)` suffix or a
 * ` #k` counter — each keeps the original name whole.
 */
function namesMatch(written: string, key: OracleKey): boolean {
  const base = baseName(key);
  const line = key[1];
  const stripped = written.replace(/ #\d+$/, '');
  const forms = [base, `${base}:${line}`];
  for (const form of forms) if (stripped === form || stripped.endsWith(`.${form}`)) return true;
  return stripped.startsWith(`${base} (`) && stripped.endsWith(`:${line})`);
}

/**
 * An oracle string as the IR holds it: oracles show non-UTF-8 names decoded as Latin-1
 * (listed in `latin1_decoded_strings`); the IR keeps those bytes as escapes.
 */
function irText(text: string, oracle: PstatsOracle): string {
  if (!oracle.latin1_decoded_strings.includes(text)) return text;
  return decodeText(Uint8Array.from(text, (c) => c.charCodeAt(0)));
}

/** Maps every oracle function to exactly one callgrind function (throws if it cannot). */
export function matchFunctions(
  parsed: ParsedCallgrind,
  oracle: PstatsOracle,
): Map<string, FunctionRecord> {
  const byPlace = new Map<string, FunctionRecord[]>();
  for (const record of parsed.functions.values()) {
    const place = `${record.file}\u0000${record.firstLine}`;
    const list = byPlace.get(place);
    if (list) list.push(record);
    else byPlace.set(place, [record]);
  }
  const matched = new Map<string, FunctionRecord>();
  const used = new Set<string>();
  for (const f of oracle.functions) {
    const id = oracleId(f.key);
    const key: OracleKey = [irText(f.key[0], oracle), f.key[1], irText(f.key[2], oracle)];
    const place = `${writtenFile(key[0])}\u0000${Math.max(0, key[1])}`;
    const candidates = (byPlace.get(place) ?? []).filter((r) => namesMatch(r.name, key));
    if (candidates.length !== 1)
      throw new Error(`${id}: ${candidates.length} callgrind functions match`);
    const record = candidates[0] as FunctionRecord;
    if (used.has(record.key)) throw new Error(`${id}: ${record.key} already matched`);
    used.add(record.key);
    matched.set(id, record);
  }
  return matched;
}

export const PROFILER_KEY = `${PROFILER_NAME}${PROFILER_NAME}`;

const ns = (seconds: number) => Math.round(Math.max(0, seconds) * 1e9);

/**
 * Converts one pstats fixture and checks the callgrind reading against its oracle: one
 * KCachegrind function per Python function, self costs and the grand total equal to the
 * recorded times (integer ns, within 1 ns), the recorded calls on the arcs and the rest
 * from `(profiler)`, each arc costing its edge's cumulative time, and KCachegrind's
 * inclusive cost of every function outside a recursion cycle equal to its cumulative
 * time. Returns the reading and the oracle-to-callgrind match for further checks.
 */
export function checkAgainstOracle(entry: ManifestEntry): {
  parsed: ParsedCallgrind;
  matched: Map<string, FunctionRecord>;
  oracle: PstatsOracle;
} {
  const oracle = oracleOf(entry);
  const yappi = entry.producer === 'yappi';
  const text = convert(entry.file, entry.producer);
  const parsed = parseCallgrind(text);
  expect(parsed.errors).toEqual([]);

  // One KCachegrind function per Python function, plus (profiler) when needed.
  const real = [...parsed.functions.keys()].filter((k) => k !== PROFILER_KEY);
  expect(real.length).toBe(oracle.function_count);
  const matched = matchFunctions(parsed, oracle);
  expect(new Set([...matched.values()].map((r) => r.key)).size).toBe(oracle.function_count);

  // Grand total: Σ self = summary = totals = round(total_tt · 1e9).
  let selfSum = 0;
  for (const record of parsed.functions.values()) selfSum += record.self;
  expect(parsed.summary).toBe(selfSum);
  expect(parsed.totals).toBe(selfSum);
  expect(Math.abs(selfSum - ns(oracle.total_tt))).toBeLessThanOrEqual(1);

  const profiler = parsed.functions.get(PROFILER_KEY);
  if (profiler) expect(profiler.self).toBe(0);
  const cycles = functionsInCycles(parsed);

  for (const f of oracle.functions) {
    const record = matched.get(oracleId(f.key));
    if (!record) throw new Error(`unmatched ${oracleId(f.key)}`);
    const where = oracleId(f.key);
    expect(Math.abs(record.self - ns(f.tt)), `self of ${where}`).toBeLessThanOrEqual(1);

    // Calls: the recorded callers exactly, the rest from (profiler).
    const totalCalls = yappi ? f.cc : f.nc;
    let recorded = 0;
    for (const c of f.callers) {
      const caller = matched.get(oracleId(c.key));
      if (!caller) throw new Error(`unmatched caller ${oracleId(c.key)}`);
      const arcs = record.incoming.filter((a) => a.caller === caller.key);
      expect(arcs.length, `arc ${oracleId(c.key)} -> ${where}`).toBe(1);
      const arc = arcs[0] as (typeof arcs)[number];
      const [count, , , ct] = typeof c.value === 'number' ? [c.value] : c.value;
      expect(arc.count).toBe(count);
      recorded += count as number;
      if (ct !== undefined)
        expect(
          Math.abs(arc.cost - ns(ct)),
          `cost ${oracleId(c.key)} -> ${where}`,
        ).toBeLessThanOrEqual(1);
    }
    const fromProfiler = record.incoming.filter((a) => a.caller === PROFILER_KEY);
    expect(record.incoming.length).toBe(f.callers.length + fromProfiler.length);
    const profilerCalls = fromProfiler.reduce((sum, a) => sum + a.count, 0);
    expect(recorded + profilerCalls, `calls of ${where}`).toBe(Math.max(recorded, totalCalls));

    // KCachegrind's inclusive cost = ct, outside recursion cycles. Exceptions: a
    // function whose only recorded caller is itself (cProfile same-line key collisions)
    // and the `profile` module's fake root `profile:0(profiler)`, never called (nc = 0,
    // ct = 0): without callers KCachegrind sums its outgoing arcs, i.e. the whole run.
    const onlySelf = f.callers.length > 0 && f.callers.every((c) => oracleId(c.key) === where);
    const neverCalled = totalCalls === 0 && f.callers.length === 0;
    if (cycles.has(record.key) || onlySelf || neverCalled) continue;
    const arcCount = record.incoming.filter((a) => a.caller !== record.key).length;
    expect(
      Math.abs(inclusiveCost(parsed, record.key) - ns(f.ct)),
      `inclusive of ${where}`,
    ).toBeLessThanOrEqual(Math.max(1, arcCount));
  }
  return { parsed, matched, oracle };
}
