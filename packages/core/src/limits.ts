/**
 * Budgets: what one input may make a conversion read, allocate and write, in one place
 * (issue 15; docs/decisions/0011-budgets-in-the-read-path.md). People convert profiles
 * they were sent, on shared machines: a file of a few kilobytes must cost a clear error
 * in a second, never the machine, so every quantity a file controls is checked against a
 * budget *before* it is allocated, and going over one is its own error code
 * (`LIMIT_EXCEEDED`; exit status 9 in the CLI), never a hang, a full disk or a V8 abort.
 *
 * | budget | default | what it bounds |
 * | --- | --- | --- |
 * | `inputBytes` | 128 MiB | bytes of one input after gzip is unpacked (whole reads hold this much) |
 * | `stringBytes` | 1 MiB | one string a reader decodes: a name, a path, a header value |
 * | `depth` | 1,000,000 | nesting: frames in one stack, containers inside containers |
 * | `entriesPerByte` | 0.5 | rows per input byte: functions, call edges, line and call-site rows, call-tree nodes |
 * | `eventsPerByte` | 1 | timeline events (enters and exits) per input byte |
 * | `outputPerByte` | 64 | output bytes per input byte (writers are proportional; this is the backstop) |
 * | `memoryBytes` | 128 MiB | estimated heap a reader may build from one input, whatever its size (pickle readers charge it value by value) |
 *
 * The per-byte budgets count the bytes as given — a gzip file's compressed bytes, since
 * unpacking is an amplifier — and an input as at least `SMALL_INPUT` (1 MiB) bytes, so a
 * small file is never judged by its size alone (half a million rows); a streamed input
 * earns its allowance as its bytes arrive. The output budget counts unpacked bytes.
 *
 * Real profiles stay far below each: the densest file of the corpus makes 0.14 rows and
 * 0.15 timeline events per byte (most under 0.08; a pstats edge takes 27 bytes or more),
 * and the largest output is a few times its input (the decision record has the
 * measurements). What is left is memory proportional to the input: a whole read holds
 * `inputBytes` (128 MiB: 210 MB peak for the process), and the tables at most
 * `entriesPerByte` rows per byte given (about 50 bytes each).
 *
 * The CLI raises `inputBytes` and `memoryBytes` together with `--max-input` (one knob: how
 * large a profile you accept); library users pass `limits` to
 * `convert` / `loadProfiles`. Bundled readers take their budget from
 * `ReadContext.budget` (made by the pipeline, or by `budgetFor` when a reader is called
 * on its own). Third-party readers are held to `inputBytes` by the pipeline and to the
 * rest by their own care.
 */
import { type Place, ProfileError } from './errors.js';
import type { Profile, ProfileSet } from './profile.js';

export interface Limits {
  /** Bytes of one input, counted after gzip is unpacked. */
  readonly inputBytes: number;
  /** Bytes of one string a reader decodes (before decoding). */
  readonly stringBytes: number;
  /** Frames in one stack; containers nested in one another. */
  readonly depth: number;
  /** Table rows a reader may make per input byte (see the file comment). */
  readonly entriesPerByte: number;
  /** Timeline events a reader may record per input byte. */
  readonly eventsPerByte: number;
  /** Output bytes per input byte (of all inputs together). */
  readonly outputPerByte: number;
  /**
   * Estimated heap bytes a reader may build from one input, whatever its size: the
   * ceiling over per-byte budgets that grow with the input (the pickle readers charge
   * each value they make; @pyprof/pickle's limits.ts).
   */
  readonly memoryBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Limits = Object.freeze({
  inputBytes: 128 * MiB,
  stringBytes: 1 * MiB,
  depth: 1_000_000,
  entriesPerByte: 0.5,
  eventsPerByte: 1,
  outputPerByte: 64,
  memoryBytes: 128 * MiB,
});

/** The per-byte budgets count every input as at least this many bytes. */
export const SMALL_INPUT = 1 * MiB;

/** Which budget an error is about (`ProfileError.limit`). */
export type LimitName = keyof Limits;

/** `limits` with every budget missing from it at its default; checks the values. */
export function resolveLimits(limits: Partial<Limits> = {}): Limits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(limits)) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_LIMITS)) throw new TypeError(`unknown limit ${JSON.stringify(name)}`);
    if (typeof value !== 'number' || !(value > 0))
      throw new TypeError(`limit ${name} must be a positive number, got ${String(value)}`);
    out[name] = value;
  }
  return Object.freeze(out) as unknown as Limits;
}

/** `1.5 GiB`, `256 MiB`, `12 KiB`, `800 bytes`: sizes in messages. */
export function formatBytes(bytes: number): string {
  if (bytes === Number.POSITIVE_INFINITY) return 'unlimited';
  const units = ['GiB', 'MiB', 'KiB'] as const;
  for (let k = 0; k < units.length; k++) {
    const size = 1024 ** (3 - k);
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[k]}`;
    }
  }
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

/**
 * A size as people write it: `268435456`, `256MiB`, `256M`, `1.5GiB`, `1GB` (units are
 * powers of 1024 either way, as with `head -c`), or `unlimited`. Undefined when it is not
 * one.
 */
export function parseByteSize(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^(unlimited|none|inf|infinity)$/i.test(trimmed)) return Number.POSITIVE_INFINITY;
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(trimmed);
  if (!match) return undefined;
  const scale = { '': 1, k: 1024, m: MiB, g: 1024 * MiB, t: 1024 * 1024 * MiB }[
    (match[2] as string).toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  const value = Math.floor(Number(match[1]) * scale);
  return value > 0 ? value : undefined;
}

/** The error for going over budget `limit`. */
export function limitExceeded(
  limit: LimitName,
  message: string,
  options: { format?: string; place?: Place } = {},
): ProfileError {
  const error = new ProfileError('LIMIT_EXCEEDED', message, options);
  error.limit = limit;
  return error;
}

/**
 * What one read may still allocate: the input's bytes so far (a stream's grow as they
 * arrive) and the rows and events charged against them. Readers call `entries`,
 * `events`, `string` and `depth` before they allocate; each throws `LIMIT_EXCEEDED`
 * (with the reader's format and the place) when the budget would be exceeded.
 */
export class ReadBudget {
  readonly limits: Limits;
  /** Bytes after unpacking (the `inputBytes` cap). */
  #bytes = 0;
  /** Bytes as given (compressed, for a gzip input): what the per-byte budgets count. */
  #given = 0;
  #entries = 0;
  #events = 0;

  constructor(limits: Partial<Limits> = {}, inputBytes = 0) {
    this.limits = resolveLimits(limits);
    this.#bytes = inputBytes;
    this.#given = inputBytes;
  }

  /** Input bytes seen so far, after unpacking. */
  get inputBytes(): number {
    return this.#bytes;
  }

  /** Input bytes seen so far as given (before unpacking). */
  get givenBytes(): number {
    return this.#given;
  }

  /** Rows charged so far. */
  get entriesUsed(): number {
    return this.#entries;
  }

  /** Timeline events charged so far. */
  get eventsUsed(): number {
    return this.#events;
  }

  /**
   * Rows allowed for the bytes given so far. Given, not unpacked: unpacking multiplies
   * bytes, and a gzip file of 100 KB that unpacks to 100 MB of records each making a new
   * row must be judged by the 100 KB (real profiles compress 4 to 50 times and make far
   * fewer rows than they have bytes, so they are not affected).
   */
  get entriesAllowed(): number {
    return this.limits.entriesPerByte * Math.max(this.#given, SMALL_INPUT);
  }

  /** Events allowed for the bytes given so far. */
  get eventsAllowed(): number {
    return this.limits.eventsPerByte * Math.max(this.#given, SMALL_INPUT);
  }

  /**
   * Counts `n` more bytes of an input that is not compressed; over `inputBytes` is an
   * error. The pipeline calls it as it reads, before the bytes reach the reader.
   */
  addInput(n: number): void {
    this.#given += n;
    this.addUnpacked(n);
  }

  /** Counts `n` more bytes of a compressed input, as given. */
  addCompressed(n: number): void {
    this.#given += n;
  }

  /** Counts `n` more unpacked bytes of a compressed input; over `inputBytes` is an error. */
  addUnpacked(n: number): void {
    this.#bytes += n;
    if (this.#bytes > this.limits.inputBytes) throw inputTooLarge(this.limits.inputBytes);
  }

  /** Charges `n` rows (functions, edges, lines, call sites, tree nodes). */
  entries(n: number, format: string, place?: Place): void {
    this.#entries += n;
    if (this.#entries > this.entriesAllowed) {
      throw limitExceeded(
        'entriesPerByte',
        `the input makes more than ${withCommas(this.entriesAllowed)} table rows (functions, calls, lines, stack nodes) from ${formatBytes(this.#given)}: more than ${this.limits.entriesPerByte} per byte, which no real profile needs`,
        { format, ...(place ? { place } : {}) },
      );
    }
  }

  /** Charges `n` timeline events. */
  events(n: number, format: string, place?: Place): void {
    this.#events += n;
    if (this.#events > this.eventsAllowed) {
      throw limitExceeded(
        'eventsPerByte',
        `the input makes more than ${withCommas(this.eventsAllowed)} timeline events from ${formatBytes(this.#given)}: more than ${this.limits.eventsPerByte} per byte, which no real profile needs`,
        { format, ...(place ? { place } : {}) },
      );
    }
  }

  /**
   * After a read: charges the rows and timeline events `set` holds beyond what the reader
   * charged as it went. Bundled readers charge before they allocate (this adds nothing
   * for them); a reader that does not — a third party's — is held to the same budgets
   * here, after the fact, so no profile leaves a read over them.
   */
  settle(set: ProfileSet, format: string): void {
    const parts = set.parts.length > 0 ? set.parts : [set.whole];
    let rows = 0;
    let events = 0;
    for (const profile of parts) {
      rows += rowsOf(profile);
      events += profile.timeline?.length ?? 0;
    }
    if (rows > this.#entries) this.entries(rows - this.#entries, format);
    if (events > this.#events) this.events(events - this.#events, format);
  }

  /** Checks a string's length in bytes before it is decoded. */
  string(length: number, format: string, place?: Place, what = 'a string'): void {
    if (length > this.limits.stringBytes) {
      throw limitExceeded(
        'stringBytes',
        `${what} of ${formatBytes(length)}, longer than the ${formatBytes(this.limits.stringBytes)} any name or path needs`,
        { format, ...(place ? { place } : {}) },
      );
    }
  }

  /** Checks a nesting depth (a stack's frames, containers in containers). */
  depth(depth: number, format: string, place?: Place, what = 'nesting'): void {
    if (depth > this.limits.depth) {
      throw limitExceeded('depth', `${what} deeper than ${withCommas(this.limits.depth)} levels`, {
        format,
        ...(place ? { place } : {}),
      });
    }
  }
}

/** The table rows of `profile` that `entriesPerByte` counts. */
export function rowsOf(profile: Profile): number {
  return (
    profile.functions.length +
    profile.calls.length +
    (profile.lines?.length ?? 0) +
    (profile.callSites?.length ?? 0) +
    (profile.callTree?.length ?? 0)
  );
}

/** The error for an input over `inputBytes` (the CLI adds how to raise it). */
export function inputTooLarge(limit: number): ProfileError {
  return limitExceeded(
    'inputBytes',
    `the input is larger than ${formatBytes(limit)}${limit === DEFAULT_LIMITS.inputBytes ? ' (the default budget)' : ''} after unpacking`,
  );
}

/**
 * The budget a reader works against: the pipeline's (`context.budget`), else a new one
 * for `inputBytes` bytes with the default limits (a reader called on its own).
 */
export function budgetFor(context: { budget?: ReadBudget }, inputBytes: number): ReadBudget {
  return context.budget ?? new ReadBudget({}, inputBytes);
}

/** `1,234,567`. */
export function withCommas(value: number): string {
  const text = String(Math.round(value));
  if (!/^\d+$/.test(text)) return text;
  let out = '';
  for (let k = 0; k < text.length; k++) {
    if (k > 0 && (text.length - k) % 3 === 0) out += ',';
    out += text[k];
  }
  return out;
}
