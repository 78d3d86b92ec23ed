// Shared by the callgrind integration tests: corpus pstats dumps converted to callgrind
// and matched, function by function, to their oracles through a reading with
// KCachegrind's rules (the reader lives with the writer's tests).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText, readWith, sanitizeName, writeToString } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { callgrind, PROFILER_NAME, writtenFile } from '@pyprof/output-callgrind';
import {
  fixturesDir as cprofileFixtures,
  type ManifestEntry,
  type OracleKey,
  type PstatsOracle,
  readFixture,
  readOracle,
} from '../../../packages/input-cprofile/test/corpus.js';
import type {
  FunctionRecord,
  ParsedCallgrind,
} from '../../../packages/output-callgrind/test/kcachegrind-reader.js';

export {
  manifest,
  type PstatsOracle,
  pstatsFixtures,
} from '../../../packages/input-cprofile/test/corpus.js';
export * from '../../../packages/output-callgrind/test/kcachegrind-reader.js';

/** Converts a pstats fixture (path under the cprofile fixtures) to callgrind text. */
export function convert(relative: string, producer?: string): string {
  const set = readWith(cprofile, readFixture(relative), {
    options: producer === 'yappi' ? { producer: 'yappi' } : {},
  });
  return writeToString(callgrind, set, { context: { producer: 'pyprof@test' } });
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
      sidecars: { oracle: `${file}.oracle.json` },
    };
  });
}

export function oracleOf(entry: ManifestEntry): PstatsOracle {
  return readOracle(entry);
}

export function readmeOfSamename(): string {
  return readFileSync(join(cprofileFixtures, 'pstats', 'samename', 'README.md'), 'utf8');
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
