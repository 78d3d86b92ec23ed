/**
 * Content detection for lsprof pickles, from the first bytes only. A pickle opening —
 * PROTO 2–5 (`80 02`…`80 05`), or protocol 0/1's first opcode GLOBAL `c` or MARK `(` — plus
 * the lsprof class names (`…lsprof` followed within a few bytes by `Stats` or
 * `profiler_entry`/`profiler_subentry`, as GLOBAL writes them or as STACK_GLOBAL's strings)
 * is `certain`, whatever the file is called: a `.prof`-named Breezy pickle is still ours.
 * Any other PROTO opening is `likely` (a pickle nobody else reads, so a hostile one still
 * reaches this reader and is refused there with a precise error). pstats dumps (`{`, 0xFB)
 * and hotshot logs never start like a pickle.
 */
import type { Confidence } from '@pyprof/core';

const LSPROF = [0x6c, 0x73, 0x70, 0x72, 0x6f, 0x66]; // "lsprof"
const CLASS_NAMES = ['Stats', 'profiler_entry', 'profiler_subentry'].map((name) =>
  Array.from(name, (c) => c.charCodeAt(0)),
);
/** How far after "lsprof" the class name may start (GLOBAL: 1 byte; STACK_GLOBAL: 3–7). */
const MAX_GAP = 8;

function matchesAt(head: Uint8Array, at: number, word: readonly number[]): boolean {
  if (at + word.length > head.length) return false;
  for (let k = 0; k < word.length; k++) if (head[at + k] !== word[k]) return false;
  return true;
}

/** True when `head` names an lsprof class. */
export function namesLsprofClass(head: Uint8Array): boolean {
  for (let i = head.indexOf(0x6c); i >= 0; i = head.indexOf(0x6c, i + 1)) {
    if (!matchesAt(head, i, LSPROF)) continue;
    const after = i + LSPROF.length;
    for (let gap = 1; gap <= MAX_GAP; gap++) {
      for (const name of CLASS_NAMES) if (matchesAt(head, after + gap, name)) return true;
    }
  }
  return false;
}

export function detectLsprof(head: Uint8Array): Confidence | undefined {
  const first = head[0];
  if (first === 0x80) {
    const protocol = head[1];
    if (protocol === undefined) return 'likely';
    if (protocol < 2 || protocol > 5) return undefined;
    return namesLsprofClass(head) ? 'certain' : 'likely';
  }
  if (first === 0x63 /* c */ || first === 0x28 /* ( */) {
    return namesLsprofClass(head) ? 'certain' : undefined;
  }
  return undefined;
}
