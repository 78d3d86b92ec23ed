// Types of run.mjs, for the TypeScript test.
import type { HostileCase } from './cases.mjs';

export const PRIOR: string;

export interface CaseResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  seconds: number;
  cpuSeconds: number | undefined;
  peakMb: number | undefined;
  leftBehind: string[];
  priorAfter: Buffer | undefined;
  priorBytes: Buffer | undefined;
}

export function runCase(
  testCase: HostileCase,
  options: { cli: string; dir: string; timeout?: number; measure?: boolean },
): Promise<CaseResult>;
