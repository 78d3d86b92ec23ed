/**
 * Content detection for collapsed stacks: text (no NUL or other control bytes) whose
 * first complete lines (up to 50) are all `stack number` lines — or austin 3's `# key:
 * value` header. A dialect's own signature (austin's `Thread 7f…;` / `P12;T…;` / `# austin:`,
 * py-spy's `process N:"…"` / `thread (N)`, CPython's `tid:N;`) makes it `certain`; frames
 * that merely look like a Python sampler's, and plain folded stacks, are `likely` — so
 * any other format's certain detector, or the file name's extension, wins over them. The
 * head of a file whose first line is longer than the head is `likely` when it opens with
 * a dialect's signature, else not claimed.
 */
import { DETECT_HEAD_BYTES, decodeText } from '@pyprof/core';
import { detectDialect } from './dialect.js';
import { DETECTION_LINES } from './read.js';

const SIGNATURE =
  /^(?:(?:Process \d+;)?Thread [0-9a-fA-F]+;|P\d+;T[0-9a-fA-F:]+;|tid:\d+;|process \d+:"|thread \(|# austin: )/;

function isText(head: Uint8Array): boolean {
  for (let k = 0; k < head.length; k++) {
    const byte = head[k] as number;
    // Tab, line feed, form feed and carriage return are text; other control bytes are not.
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 12 && byte !== 13) return false;
    if (byte === 127) return false;
  }
  return true;
}

export function detectCollapsed(head: Uint8Array): 'certain' | 'likely' | undefined {
  if (head.length === 0 || !isText(head)) return undefined;
  // A full head may end inside a line: that line is not judged.
  let end = head.length;
  if (head.length >= DETECT_HEAD_BYTES) {
    end = head.lastIndexOf(10) + 1;
    if (end === 0) return SIGNATURE.test(decodeText(head)) ? 'likely' : undefined;
  }
  const lines: string[] = [];
  for (const raw of decodeText(head, 0, end).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    lines.push(line);
    if (lines.length >= DETECTION_LINES) break;
  }
  return detectDialect(lines)?.confidence;
}
