/**
 * What the CLI prints about a problem is one line a person can read, whatever the input
 * holds: file and function names come from files people were sent, and a name with a
 * newline, an ANSI escape or a bidirectional override must not forge lines, recolour the
 * terminal or reorder what is shown. So every message goes through `printable`:
 * control characters (C0, DEL, C1), line and paragraph separators and the bidirectional
 * formatting characters become visible escapes (`\n`, `\x1b`, `\u202e`), and a run of
 * more than `MAX_DIGITS` digits is cut (`12345678…(451,000 digits)`), so a 451,000-digit
 * number in a file costs one short line. `escapeTerminalOutput` does the same for output
 * written to a terminal, keeping newlines, tabs and (when the writer was asked for
 * colour) its own SGR colour sequences.
 */

/** Longest run of digits printed whole. */
export const MAX_DIGITS = 24;

/** Shown as escapes: C0 and C1 controls, DEL, U+2028/9, the bidirectional formatting marks. */
function isUnsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function escapeCharacter(code: number): string {
  switch (code) {
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    default:
      return code <= 0xff
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
  }
}

/** `text` with the unsafe characters escaped, except those `keep` lets through. */
function escapeUnsafe(text: string, keep: (code: number, at: number) => number): string {
  let out = '';
  let from = 0;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (!isUnsafe(code)) continue;
    const kept = keep(code, k);
    out += text.slice(from, k);
    if (kept > 0) {
      out += text.slice(k, k + kept);
      k += kept - 1;
    } else {
      out += escapeCharacter(code);
    }
    from = k + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** `1,234`. */
function grouped(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A long run of digits, shortened to its first digits and how many there were. */
function cutDigits(run: string): string {
  return `${run.slice(0, 12)}…(${grouped(run.length)} digits)`;
}

const LONG_DIGITS = new RegExp(`\\d{${MAX_DIGITS + 1},}`, 'g');

/** One printable line: controls escaped, long numbers cut (see the file comment). */
export function printable(text: string): string {
  const out = escapeUnsafe(text, () => 0);
  return out.length > MAX_DIGITS ? out.replace(LONG_DIGITS, cutDigits) : out;
}

/** The length of the SGR sequence (ESC [ digits and semicolons m) at `at`, or 0. */
function sgrLength(text: string, at: number): number {
  if (text.charCodeAt(at) !== 0x1b || text.charCodeAt(at + 1) !== 0x5b) return 0;
  for (let k = at + 2; k < text.length && k < at + 32; k++) {
    const code = text.charCodeAt(k);
    if (code === 0x6d) return k - at + 1;
    if (!(code === 0x3b || (code >= 0x30 && code <= 0x39))) return 0;
  }
  return 0;
}

/**
 * Output for a terminal: as `printable`, but newlines and tabs stay, and with `color` the
 * writer's SGR sequences too. Numbers are left whole (they are the output).
 */
export function escapeTerminalOutput(text: string, color: boolean): string {
  return escapeUnsafe(text, (code, at) =>
    code === 0x0a || code === 0x09 ? 1 : color && code === 0x1b ? sgrLength(text, at) : 0,
  );
}

/**
 * Node's argument parser explains some mistakes over three lines (e.g. `--max-depth -1`:
 * "argument is ambiguous", "Did you forget…", "To specify an option argument starting
 * with a dash…"); this says it in one, in the CLI's words.
 */
export function parseErrorLine(message: string): string {
  const ambiguous = /^Option '(-[^ ']+)(?: <value>)?' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const suggestion = /use '([^']+)'(?: or '([^']+)')?/.exec(message);
    const how = suggestion
      ? `${suggestion[1]}${suggestion[2] ? ` or ${suggestion[2]}` : ''}`
      : `${ambiguous[1]}=-XYZ`;
    return `option ${ambiguous[1]} needs a value; for a value that starts with a dash, write ${how}`;
  }
  const first = (message.split('\n')[0] as string).replace(
    /\. To specify a positional argument.*$/s,
    '',
  );
  return first.replace(/^Unknown option/, 'unknown option');
}
