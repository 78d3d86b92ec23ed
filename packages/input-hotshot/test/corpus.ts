// Helpers for the committed corpus fixtures: list the hotshot logs from the manifest and
// load their oracles (sidecars over 16 KiB are stored gzip-compressed).
import { readFileSync } from 'node:fs';
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
export const { readFixture } = folder;
export const hotshotFixtures = (): ManifestEntry[] => corpusFiles('hotshot');
export const readOracle = (entry: ManifestEntry): HotshotOracle =>
  folder.readOracle<HotshotOracle>(entry);

/** [file, line, name]: ENTER's line is the first line, LINE's the executed line. */
export type Location = [string, number, string];

export interface HotshotOracle {
  info: Array<[string, string[]]>;
  cwd: string[];
  /** [what (0 ENTER, 1 EXIT, 2 LINE), index into locations, tdelta (-1: none)]. */
  events: Array<[0 | 1 | 2, number, number]>;
  locations: Location[];
  summary: {
    counts: { ENTER: number; EXIT: number; LINE: number };
    final_depth: number;
    max_depth: number;
  };
  raw_counts: Record<string, number>;
  raw_record_count: number;
  /** [record index in _hotshot.logreader's stream, kind, fileno, lineno, string or -1]. */
  raw_defs: Array<[number, string, number, number | null, string | number]>;
  filemap: Array<[number, string]>;
  funcmap: Array<[number, number, string]>;
  later_info: unknown[];
  stats: {
    function_count: number;
    total_calls: number;
    prim_calls: number;
    total_tt: number;
    functions: Array<{
      key: Location;
      cc: number;
      nc: number;
      tt: number;
      ct: number;
      callers: Array<{ key: Location; value: number }>;
    }>;
  } | null;
  stats_error: string | null;
  latin1_decoded_strings: string[];
}

/** A log of fixtures/extra with the records CPython's C reader (or generate.py) decoded. */
export interface ExtraFixture {
  bytes: Uint8Array;
  /** [what, tdelta or string, fileno, lineno]; what: 0/1/2, 0x13, 0x23, 0x43. */
  records: Array<[number, number | string, number, number | null]>;
  info: Array<[string, string[]]>;
}

export function readExtra(name: string): ExtraFixture {
  const sidecar = JSON.parse(
    readFileSync(join(fixturesDir, 'extra', `${name}.records.json`), 'utf8'),
  ) as ExtraFixture;
  return { ...sidecar, bytes: readFixture(`extra/${name}`) };
}
