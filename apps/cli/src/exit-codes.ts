/**
 * Exit statuses (documented in the README) and the one-line error format
 * `<file>: <place>: <message> [<format>/<code>]`.
 */
import { type ErrorCode, formatPlace, isProfileError } from '@pyprof/core';

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
};

export function exitCodeFor(error: unknown): number {
  return isProfileError(error) ? BY_CODE[error.code] : EXIT.internal;
}

/** One line: `<file>: <place>: <message> [<format>/<code>]`. */
export function formatError(error: unknown, file?: string): string {
  if (isProfileError(error)) {
    const parts = [file, error.place ? formatPlace(error.place) : undefined, error.message].filter(
      (p) => p !== undefined && p !== '',
    );
    const tag = error.format ? `${error.format}/${error.code}` : error.code;
    return `${parts.join(': ')} [${tag}]`;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `${file ? `${file}: ` : ''}internal error: ${message}\nPlease report this at https://github.com/pyprof/pyprof/issues with the input if you can share it.`;
}
