// Helpers for the committed corpus fixtures: list the lsprof pickles from the corpus
// manifest, load their oracles (some sidecars are gzip-compressed) and fold an oracle's
// entries into what a profile must hold.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  corpusFiles,
  fixtureFolder,
  type ManifestEntry,
} from '../../../tests/support/corpus-fixtures.js';

export type { ManifestEntry };
export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const folder = fixtureFolder(fixturesDir);
export const { readFixture, readSidecar } = folder;
export const lsprofFixtures = (): ManifestEntry[] => corpusFiles('lsprof-pickle');

export interface OracleSubentry {
  code: string;
  callcount: number;
  reccallcount: number;
  totaltime: number;
  inlinetime: number;
}
export interface OracleEntry extends OracleSubentry {
  calls: OracleSubentry[] | null;
}
export interface OracleStats {
  class: string;
  data: OracleEntry[];
  threads: Array<[number, OracleStats]>;
}
export interface LsprofOracle {
  pickle_protocol: number | null;
  pickle_globals: Array<[string, string]>;
  opcode_count: number;
  entry_count: number;
  thread_count: number;
  stats: OracleStats;
  latin1_decoded_strings: string[];
}

export const readOracle = (entry: ManifestEntry): LsprofOracle =>
  folder.readOracle<LsprofOracle>(entry);

/** nc, cc, tt, ct — the numbers a function row or an edge row holds. */
export type Numbers = [number, number, number, number];

/**
 * What one Stats must read to: numbers per label and per (caller label, callee label),
 * summed in pickle order (entries with one label are one function), plus the labels of
 * callees without an entry of their own.
 */
export function expectedOf(stats: OracleStats): {
  functions: Map<string, Numbers>;
  edges: Map<string, Numbers>;
  dangling: Set<string>;
} {
  const functions = new Map<string, Numbers>();
  const edges = new Map<string, Numbers>();
  const add = (map: Map<string, Numbers>, key: string, e: OracleSubentry) => {
    const old = map.get(key) ?? [0, 0, 0, 0];
    map.set(key, [
      old[0] + e.callcount,
      old[1] + (e.callcount - e.reccallcount),
      old[2] + e.inlinetime,
      old[3] + e.totaltime,
    ]);
  };
  for (const entry of stats.data) add(functions, entry.code, entry);
  const dangling = new Set<string>();
  for (const entry of stats.data) {
    for (const sub of entry.calls ?? []) {
      add(edges, `${entry.code}\u0000${sub.code}`, sub);
      if (!functions.has(sub.code)) dangling.add(sub.code);
    }
  }
  return { functions, edges, dangling };
}
