// The committed .lprof fixtures (made by fixtures/make_fixtures.py) and their oracles:
// what line_profiler's own load_stats read from each file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface OracleFunction {
  file: string;
  first_line: number;
  name: string;
  lines: Array<[number, number, number]>;
}

export interface LprofOracle {
  class: string;
  pickle_protocol: number | null;
  pickle_globals: Array<[string, string]>;
  unit: number;
  timings: OracleFunction[];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every .lprof fixture, as a path relative to the fixtures folder. */
export function lprofFixtures(): string[] {
  return walk(join(fixturesDir, 'lprof'))
    .filter((path) => path.endsWith('.lprof'))
    .map((path) => relative(fixturesDir, path))
    .sort();
}

export function readFixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, file)));
}

export function readOracle(file: string): LprofOracle {
  return JSON.parse(readFileSync(join(fixturesDir, `${file}.oracle.json`), 'utf8'));
}

/** line_profiler's own text report of a fixture, when the script recorded one. */
export function readReport(file: string): string {
  return readFileSync(join(fixturesDir, `${file}.txt`), 'utf8');
}
