/**
 * Content detection for hotshot logs. The format has no magic number, but every log
 * `_hotshot.profiler()` or `coverage()` writes starts with the ADD_INFO record whose key
 * is `hotshot-version` (bytes 13 0F "hotshot-version", spec §1): that is `certain`. A
 * head too short to hold the whole signature but agreeing with it so far is `likely`
 * (a log cut short should still reach this reader and fail there with a precise error).
 */
import { SIGNATURE } from './records.js';

export function detectHotshot(head: Uint8Array): 'certain' | 'likely' | undefined {
  if (head.length === 0) return undefined;
  const n = Math.min(head.length, SIGNATURE.length);
  for (let i = 0; i < n; i++) if (head[i] !== SIGNATURE[i]) return undefined;
  return head.length >= SIGNATURE.length ? 'certain' : 'likely';
}
