// Fixture access for the tests: files under test/fixtures, and the sources of a fixture
// folder handed to the reader the way the CLI hands them (by recorded path), but never
// reading outside that folder: a recorded path is tried as given below it, then with its
// leading folders dropped one by one (austin recorded `medium_lib` by an absolute path).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFiles } from '@pyprof/core';

export const fixturesDir = join(import.meta.dirname, 'fixtures');

export function readFixture(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, relative)));
}

export function fixtureText(relative: string): string {
  return readFileSync(join(fixturesDir, relative), 'utf8');
}

/** The sources below `folder` (relative to test/fixtures), and the paths asked for. */
export function sourcesIn(folder: string): SourceFiles & { asked: string[] } {
  const root = join(fixturesDir, folder);
  const asked: string[] = [];
  return {
    asked,
    read(path) {
      asked.push(path);
      const parts = path.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
      if (parts.includes('..')) return undefined;
      for (let k = 0; k < parts.length; k++) {
        const candidate = join(root, ...parts.slice(k));
        if (existsSync(candidate) && statSync(candidate).isFile())
          return new Uint8Array(readFileSync(candidate));
      }
      return undefined;
    },
  };
}

export const AUSTIN = [
  'decorators.py38.austin',
  'decorators.py38.alt.austin',
  'recursion.py37.austin',
  'threads.py36.austin',
  'medium.py38.austin',
] as const;

export const DIALECTS = [
  'py-spy.txt',
  'py-spy-threads.txt',
  'py-spy-nolineno.txt',
  'cpython-sampling.txt',
  'flameprof.log',
  'flamegraph.folded',
  'difffolded.folded',
  'austin2.austin',
  'austin3.austin',
  'austin1-full.austin',
] as const;
