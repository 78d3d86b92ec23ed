/**
 * One error vocabulary for every package: `ProfileError` carries a stable code, the format
 * that raised it and the place (byte offset or line) where the input went wrong, so the CLI
 * can print `<file>:<place>: error: <message> [<format>/<code>]` and map codes to exit
 * statuses. Warnings are a separate, non-throwing channel (`Diagnostics`, diagnostics.ts).
 */
import type { LimitName } from './limits.js';

/** Stable error codes. The CLI maps each to a documented exit status. */
export type ErrorCode =
  | 'UNKNOWN_FORMAT'
  | 'AMBIGUOUS_FORMAT'
  | 'MALFORMED_INPUT'
  | 'UNSUPPORTED_VERSION'
  | 'UNSAFE_INPUT'
  | 'INVALID_PROFILE'
  | 'UNSUPPORTED_FEATURE'
  | 'INVALID_OPTION'
  | 'CAPABILITY_MISSING'
  | 'IO_ERROR'
  /** A conversion run with `strict` stopped because of warnings. */
  | 'STRICT_WARNINGS'
  /** An input asked for more than a budget allows (limits.ts); `ProfileError.limit` says which. */
  | 'LIMIT_EXCEEDED';

/** Where in the input something happened: a byte offset (binary) or a line (text). */
export type Place = { offset: number } | { line: number; column?: number };

export interface ProfileErrorOptions {
  format?: string;
  place?: Place;
  /** The input it concerns (its label), when there are several to tell apart. */
  input?: string;
  cause?: unknown;
}

/** The only error type readers, writers and the registry throw on bad input or options. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  readonly code: ErrorCode;
  readonly format: string | undefined;
  readonly place: Place | undefined;
  /**
   * The input it concerns (its label). Set by whoever knows which input was being read —
   * `convert` sets it on any error escaping a reader — so a reader need not know its name.
   */
  input: string | undefined;
  /** For `LIMIT_EXCEEDED`: the budget gone over (a key of `Limits`, limits.ts). */
  limit: LimitName | undefined;

  constructor(code: ErrorCode, message: string, options: ProfileErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.format = options.format;
    this.place = options.place;
    this.input = options.input;
    this.limit = undefined;
  }
}

/**
 * True for a `ProfileError` from any copy of this package (checks `name` and `code`
 * rather than `instanceof`, so duplicate installs of core still agree).
 */
export function isProfileError(value: unknown): value is ProfileError {
  return (
    value instanceof Error &&
    value.name === 'ProfileError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** Formats a place for messages: `offset 0x1f (31)` or `line 3:5`. */
export function formatPlace(place: Place): string {
  if ('offset' in place) return `offset ${place.offset} (0x${place.offset.toString(16)})`;
  return place.column === undefined ? `line ${place.line}` : `line ${place.line}:${place.column}`;
}

/** Input that is not what its format says it should be, at a known place. */
export function malformed(format: string, place: Place | undefined, message: string): ProfileError {
  return new ProfileError('MALFORMED_INPUT', message, { format, place });
}

/** A version (of a file format, a serializer or a code layout) newer or older than supported. */
export function unsupportedVersion(
  format: string,
  found: string,
  supported: string,
  place?: Place,
): ProfileError {
  return new ProfileError(
    'UNSUPPORTED_VERSION',
    `unsupported version: found ${found}, supported: ${supported}`,
    { format, place },
  );
}

/** Input that asks the reader to do something unsafe (e.g. a pickle naming a foreign global). */
export function unsafeInput(
  format: string,
  place: Place | undefined,
  message: string,
): ProfileError {
  return new ProfileError('UNSAFE_INPUT', message, { format, place });
}

/** A bad option value given to a plugin or the CLI. */
export function invalidOption(option: string, message: string, format?: string): ProfileError {
  return new ProfileError('INVALID_OPTION', `option --${option}: ${message}`, { format });
}
