/**
 * Content detection for pstats dumps. The file has no magic number; it is one marshal
 * dict whose first key is a (file, line, name) tuple, so the first bytes are the dict
 * code (`{`, or 0xFB with Python 3's reference flag), a 3-tuple header and a string code.
 * That sequence is `certain`; a dict code with too few bytes to tell is `likely` (a
 * damaged dump should still reach this reader and fail there with a precise error).
 */
const STRING_CODES = new Set([0x73, 0x74, 0x75, 0x61, 0x41, 0x7a, 0x5a]);

export function detectPstats(head: Uint8Array): 'certain' | 'likely' | undefined {
  const first = head[0];
  if (first !== 0x7b && first !== 0xfb) return undefined;
  if (head.length < 3) return 'likely';
  const tuple = (head[1] as number) & 0x7f;
  let next: number;
  if (tuple === 0x29) {
    if (head[2] !== 3) return undefined;
    next = 3;
  } else if (tuple === 0x28) {
    if (head.length < 7) return 'likely';
    if (head[2] !== 3 || head[3] !== 0 || head[4] !== 0 || head[5] !== 0) return undefined;
    next = 6;
  } else {
    return undefined;
  }
  if (head.length <= next) return 'likely';
  const code = head[next] as number;
  if (STRING_CODES.has(code & 0x7f)) return 'certain';
  return undefined;
}
