// Helpers for the committed corpus fixtures: list them from the manifest and load their
// oracles (some sidecars are stored gzip-compressed).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface ManifestEntry {
  file: string;
  kind: string;
  python: string;
  producer: string;
  program: string;
  sidecars: Record<string, string>;
}

export function manifest(): ManifestEntry[] {
  const data = JSON.parse(
    readFileSync(join(fixturesDir, '..', '..', '..', '..', 'corpus', 'manifest.json'), 'utf8'),
  );
  return data.files as ManifestEntry[];
}

export function pstatsFixtures(): ManifestEntry[] {
  return manifest().filter((e) => e.kind === 'pstats');
}

export function readFixture(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, relative)));
}

export function readSidecar(relative: string): Buffer {
  const bytes = readFileSync(join(fixturesDir, relative));
  return relative.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

export function readOracle<T = PstatsOracle>(entry: ManifestEntry): T {
  return JSON.parse(readSidecar(entry.sidecars.oracle as string).toString('utf8')) as T;
}

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
