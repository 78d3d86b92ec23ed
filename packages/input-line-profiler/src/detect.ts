/**
 * Content detection for `.lprof` files, from the first bytes only: a pickle opening —
 * PROTO 2–5 (`80 02`…`80 05`), or protocol 0/1's first opcode GLOBAL `c` or MARK `(` —
 * and the class name `LineStats` shortly after a `line_profiler` module name (GLOBAL's
 * `line_profiler._line_profiler\nLineStats`, Python 2's `_line_profiler\nLineStats`,
 * STACK_GLOBAL's two strings) is `certain`. Anything else is not ours: other pickles are
 * left to the readers that name their classes, so a foreign pickle is never claimed.
 */
import type { Confidence } from '@pyprof/core';

const LINE_STATS = Array.from('LineStats', (c) => c.charCodeAt(0));
const MODULE = Array.from('line_profiler', (c) => c.charCodeAt(0));
/** How far before `LineStats` the module name may end (STACK_GLOBAL: a few opcode bytes). */
const MAX_GAP = 24;

function matchesAt(head: Uint8Array, at: number, word: readonly number[]): boolean {
  if (at < 0 || at + word.length > head.length) return false;
  for (let k = 0; k < word.length; k++) if (head[at + k] !== word[k]) return false;
  return true;
}

/** True when `head` names line_profiler's `LineStats` class. */
export function namesLineStats(head: Uint8Array): boolean {
  for (let i = head.indexOf(0x4c); i >= 0; i = head.indexOf(0x4c, i + 1)) {
    if (!matchesAt(head, i, LINE_STATS)) continue;
    for (let end = i - 1; end >= Math.max(0, i - MAX_GAP); end--) {
      if (matchesAt(head, end - MODULE.length, MODULE)) return true;
    }
  }
  return false;
}

export function detectLineProfiler(head: Uint8Array): Confidence | undefined {
  const first = head[0];
  const opening =
    (first === 0x80 && (head[1] ?? 0) >= 2 && (head[1] ?? 0) <= 5) ||
    first === 0x63 /* c */ ||
    first === 0x28; /* ( */
  return opening && namesLineStats(head) ? 'certain' : undefined;
}
