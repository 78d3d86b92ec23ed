/**
 * Exit statuses (documented in the README) and the one-line error format
 * `<file>: <place>: <message> [<format>/<code>]`. Every line goes through `printable`
 * (messages.ts): names from the input cannot break it into several lines or reach the
 * terminal as escape sequences, and huge numbers are cut. Going over a budget (core's
 * limits.ts) has its own status, 9, and the input budget's message says how to raise it.
 * An allocation the engine refuses (a budget missed somewhere) is reported the same way,
 * never as a stack trace; other unexpected errors are bugs: one line asking for a report
 * (`PYPROF_DEBUG=1` adds the stack).
 */
import { type ErrorCode, formatPlace, isProfileError } from '@pyprof/core';
import { printable } from './messages.js';

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  format: 3,
  malformed: 4,
  unsupported: 5,
  strictWarnings: 6,
  unsafe: 7,
  io: 8,
  limit: 9,
} as const;

const BY_CODE: Record<ErrorCode, number> = {
  UNKNOWN_FORMAT: EXIT.format,
  AMBIGUOUS_FORMAT: EXIT.format,
  MALFORMED_INPUT: EXIT.malformed,
  INVALID_PROFILE: EXIT.malformed,
  UNSUPPORTED_VERSION: EXIT.unsupported,
  UNSUPPORTED_FEATURE: EXIT.unsupported,
  CAPABILITY_MISSING: EXIT.unsupported,
  UNSAFE_INPUT: EXIT.unsafe,
  INVALID_OPTION: EXIT.usage,
  IO_ERROR: EXIT.io,
  STRICT_WARNINGS: EXIT.strictWarnings,
  LIMIT_EXCEEDED: EXIT.limit,
};

/** The engine refusing memory: a string or an array longer than it can make. */
function isAllocationFailure(error: unknown): boolean {
  return (
    error instanceof RangeError &&
    /Invalid string length|Array buffer allocation failed|Invalid typed array length|Invalid array length|Array buffer allocation|Invalid array buffer length/.test(
      error.message,
    )
  );
}

export function exitCodeFor(error: unknown): number {
  if (isProfileError(error)) return BY_CODE[error.code];
  return isAllocationFailure(error) ? EXIT.limit : EXIT.internal;
}

/** How to raise the input budget, added to its error. */
const RAISE_INPUT = 'raise it with --max-input SIZE, e.g. --max-input 2GiB';

/** One line: `<file>: <place>: <message> [<format>/<code>]`. */
export function formatError(error: unknown, file?: string): string {
  const name = file === undefined ? undefined : printable(file);
  if (isProfileError(error)) {
    const message =
      error.code === 'LIMIT_EXCEEDED' &&
      (error.limit === 'inputBytes' || error.limit === 'memoryBytes')
        ? `${error.message}; ${RAISE_INPUT}`
        : error.message;
    const parts = [
      name,
      error.place ? formatPlace(error.place) : undefined,
      printable(message),
    ].filter((p) => p !== undefined && p !== '');
    const tag = error.format ? `${error.format}/${error.code}` : error.code;
    return `${parts.join(': ')} [${tag}]`;
  }
  const prefix = name ? `${name}: ` : '';
  if (isAllocationFailure(error)) {
    return `${prefix}the input needs more memory than JavaScript can give one string or array (${printable((error as Error).message)}) [LIMIT_EXCEEDED]`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const debug = globalThis.process?.env.PYPROF_DEBUG;
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `${prefix}internal error: ${printable(message)} (a bug: please report it at https://github.com/pyprof/pyprof/issues with the input if you can share it; PYPROF_DEBUG=1 shows where it happened)${stack}`;
}
