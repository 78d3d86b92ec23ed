// The pstats corpus fixtures of this package and the shape of their oracles (loading is
// shared with the other readers' tests: tests/support/corpus-fixtures.ts).
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
export const pstatsFixtures = (): ManifestEntry[] => corpusFiles('pstats');
export const readOracle = <T = PstatsOracle>(entry: ManifestEntry): T =>
  folder.readOracle<T>(entry);

export type OracleKey = [string, number, string];
export interface PstatsOracle {
  functions: Array<{
    key: OracleKey;
    cc: number;
    nc: number;
    tt: number;
    ct: number;
    callers: Array<{ key: OracleKey; value: number | [number, number, number, number] }>;
  }>;
  function_count: number;
  total_calls: number;
  prim_calls: number;
  total_tt: number;
  order: 'file-order' | 'sorted-by-key';
  latin1_decoded_strings: string[];
}
