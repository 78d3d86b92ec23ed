// Types of cases.mjs, for the TypeScript test.
import type { Writable } from 'node:stream';

export interface CaseRun {
  args: string[];
  stdin?: string | ((stream: Writable) => void);
  prior?: string;
}

export interface HostileCase {
  name: string;
  issue: number;
  what: string;
  exit: number;
  lines?: number;
  message?: RegExp;
  output?: false;
  make(dir: string): CaseRun;
}

export const CASES: readonly HostileCase[];
export const FIXTURES: readonly { name: string; bytes: () => Uint8Array }[];
export const STATUS: Readonly<Record<string, number>>;
export const fixtures: string;
export function writeFixtures(): void;
