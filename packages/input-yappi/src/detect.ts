/**
 * Content detection for yappi's `.ystat` files, from the first bytes only: yappi pickles
 * `(YFuncStats, clock type)` at protocol 2, so a file opens with `80 02` and names
 * `yappi\nYFuncStats\n` in its first GLOBAL (Python 3 and Python 2 alike) — `certain`.
 * Anything else is not ours.
 */
import type { Confidence } from '@pyprof/core';

const GLOBAL = Array.from('cyappi\nYFuncStats\n', (c) => c.charCodeAt(0));

export function detectYappi(head: Uint8Array): Confidence | undefined {
  if (head[0] !== 0x80 || (head[1] ?? 0) < 2 || (head[1] ?? 0) > 5) return undefined;
  // The GLOBAL comes right after PROTO (and, before Python 3.8's pickler, a MARK-free
  // stream): look in the first bytes only.
  const limit = Math.min(head.length - GLOBAL.length, 64);
  for (let at = 2; at <= limit; at++) {
    let k = 0;
    while (k < GLOBAL.length && head[at + k] === GLOBAL[k]) k++;
    if (k === GLOBAL.length) return 'certain';
  }
  return undefined;
}
