// The committed .ystat fixtures (made by fixtures/make_fixtures.py) and their oracles:
// yappi's own numbers from the session that saved each file, merged and per thread.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface OracleChild {
  full_name: string;
  ncall: number;
  nactualcall: number;
  ttot: number;
  tsub: number;
}

export interface OracleStat extends OracleChild {
  name: string;
  module: string;
  lineno: number;
  builtin: boolean;
  index: number;
  ctx_id: number;
  ctx_name: string;
  children: OracleChild[];
}

export interface YappiOracle {
  clock_type: 'wall' | 'cpu';
  builtins: boolean;
  pickle_protocol: number;
  pickle_globals: Array<[string, string]>;
  threads: Array<{ name: string; id: number }>;
  merged: OracleStat[];
  per_thread: Record<string, OracleStat[]>;
}

/** Every .ystat fixture, as a path relative to the fixtures folder. */
export function ystatFixtures(): string[] {
  return readdirSync(join(fixturesDir, 'ystat'))
    .filter((name) => name.endsWith('.ystat'))
    .map((name) => `ystat/${name}`)
    .sort();
}

export function readFixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, file)));
}

export function readOracle(file: string): YappiOracle {
  return JSON.parse(readFileSync(join(fixturesDir, `${file}.oracle.json`), 'utf8'));
}
