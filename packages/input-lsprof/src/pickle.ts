/**
 * What an lsprof pickle may hold, for @pyprof/pickle's safe reader: the allow-list (the
 * lsprof `Stats` classes, `_lsprof.profiler_entry` / `profiler_subentry`, and
 * `copyreg._reconstructor` / `object` for protocols 0 and 1) and the records REDUCE makes
 * of the two struct sequences — their fields checked and kept in the typed columns of a
 * `RecordTable`, so a large pickle's millions of records cost a few typed-array slots
 * each, not an array of boxed numbers.
 */
import { type Column, float64Column, malformed, uint32Column } from '@pyprof/core';
import {
  type BuildHook,
  buildPickle,
  describeValue,
  type PickleScan,
  type PickleValue,
  PyDict,
  type PyGlobal,
  PyList,
  PyRecord,
  PyTuple,
  pickleDialect,
  RECONSTRUCTOR_GLOBALS,
  scanPickle as scanWith,
} from '@pyprof/pickle';

export const FORMAT = 'lsprof';

/** The allow-list: everything else is refused before anything is built. */
export const LSPROF_DIALECT = pickleDialect({
  format: FORMAT,
  noun: 'an lsprof pickle',
  classes: 'the lsprof classes',
  globals: [
    { module: 'breezy.lsprof', name: 'Stats', kind: 'class' },
    { module: 'bzrlib.lsprof', name: 'Stats', kind: 'class' },
    { module: 'lsprof', name: 'Stats', kind: 'class' },
    { module: '_lsprof', name: 'profiler_entry', kind: 'record', role: 'entry' },
    { module: '_lsprof', name: 'profiler_subentry', kind: 'record', role: 'subentry' },
    // Protocols 0 and 1 rebuild instances with copyreg._reconstructor(cls, object, None).
    ...RECONSTRUCTOR_GLOBALS,
  ],
});

/**
 * A `profiler_entry` (6 fields) or `profiler_subentry` (5 fields) record: a row of the
 * `RecordTable`, whose columns hold the fields (checked when the record was made).
 */
export class StructSeq extends PyRecord {
  constructor(
    readonly role: 'entry' | 'subentry',
    readonly row: number,
    offset: number,
  ) {
    super(offset);
  }
  get kind(): string {
    return this.role;
  }
  describe(): string {
    return `a _lsprof.profiler_${this.role} record`;
  }
}

/**
 * The fields of every record, in columns by row. Labels are numbered as the records are
 * made (while the label string is still at hand), so readers look rows up by number
 * instead of hashing strings again.
 */
export class RecordTable {
  /** Distinct labels (field 0, the frozen code label), by label id. */
  readonly labels: string[] = [];
  readonly #labelIds = new Map<string, number>();
  /** Label id of each record. */
  readonly label: Column<Uint32Array>;
  readonly callCount: Column<Float64Array>;
  readonly recursiveCallCount: Column<Float64Array>;
  /** Seconds, including sub-calls (outermost activations). */
  readonly totalTime: Column<Float64Array>;
  /** Seconds, excluding sub-calls. */
  readonly inlineTime: Column<Float64Array>;
  /** Field 5 of an entry (None, or what must be a list of subentries); null for a subentry. */
  readonly calls: PickleValue[] = [];

  /** `capacity`: the most records there can be (the pickle's REDUCE count). */
  constructor(capacity = 16) {
    this.label = uint32Column(capacity);
    this.callCount = float64Column(capacity);
    this.recursiveCallCount = float64Column(capacity);
    this.totalTime = float64Column(capacity);
    this.inlineTime = float64Column(capacity);
  }

  /**
   * Adds the record `fields` (5 or 6 items); a field of the wrong kind refuses the pickle
   * at `offset` (a label that is not a string, a count that is not a count, an infinite
   * time, more recursive calls than calls).
   */
  add(role: 'entry' | 'subentry', fields: readonly PickleValue[], offset: number): number {
    const code = fields[0];
    if (typeof code !== 'string') {
      throw malformed(
        FORMAT,
        { offset },
        `the code of a profiler_${role} must be a label string, found ${describeValue(code)}`,
      );
    }
    const calls = countOf(fields[1], role, 'callcount', offset);
    const recursive = countOf(fields[2], role, 'reccallcount', offset);
    if (recursive > calls)
      throw malformed(FORMAT, { offset }, `reccallcount ${recursive} exceeds callcount ${calls}`);
    const total = timeOf(fields[3], role, 'totaltime', offset);
    const inline = timeOf(fields[4], role, 'inlinetime', offset);
    let id = this.#labelIds.get(code);
    if (id === undefined) {
      id = this.labels.push(code) - 1;
      this.#labelIds.set(code, id);
    }
    this.label.push(id);
    this.callCount.push(calls);
    this.recursiveCallCount.push(recursive);
    this.totalTime.push(total);
    this.inlineTime.push(inline);
    return this.calls.push(role === 'entry' ? (fields[5] as PickleValue) : null) - 1;
  }
}

function countOf(
  value: PickleValue | undefined,
  role: string,
  field: string,
  offset: number,
): number {
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  const what = `${field} of a profiler_${role}`;
  if (typeof n === 'bigint' && n >= 0n)
    throw malformed(FORMAT, { offset }, `${what} is ${n}, too large to be a call count`);
  throw malformed(FORMAT, { offset }, `${what} must be a count, found ${describeValue(value)}`);
}

/** Seconds; NaN is kept (the reader warns), an infinite time is refused. */
function timeOf(
  value: PickleValue | undefined,
  role: string,
  field: string,
  offset: number,
): number {
  if (typeof value === 'number' && value !== Infinity && value !== -Infinity) return value;
  const what = `${field} of a profiler_${role}`;
  if (typeof value !== 'number') {
    throw malformed(
      FORMAT,
      { offset },
      `${what} must be a number of seconds, found ${describeValue(value)}`,
    );
  }
  throw malformed(FORMAT, { offset }, `${what} is infinite`);
}

/** `profiler_entry(seq, {})` / `profiler_subentry(seq, {})`: the record of `seq`. */
function recordOf(
  records: RecordTable,
  callable: PyGlobal,
  args: PickleValue,
  offset: number,
): StructSeq {
  const role = callable.role as 'entry' | 'subentry';
  const fields = role === 'entry' ? 6 : 5;
  if (!(args instanceof PyTuple) || args.items.length < 1 || args.items.length > 2) {
    throw malformed(
      FORMAT,
      { offset },
      `_lsprof.profiler_${role} needs (fields, dict) arguments, found ${describeValue(args)}`,
    );
  }
  const seq = args.items[0];
  const extra = args.items[1];
  if (!(seq instanceof PyTuple || seq instanceof PyList) || seq.items.length !== fields) {
    throw malformed(
      FORMAT,
      { offset },
      `_lsprof.profiler_${role} needs ${fields} fields, found ${describeValue(seq)}`,
    );
  }
  if (extra !== undefined && extra !== null && !(extra instanceof PyDict)) {
    throw malformed(
      FORMAT,
      { offset },
      `_lsprof.profiler_${role} takes a dict as its second argument, found ${describeValue(extra)}`,
    );
  }
  return new StructSeq(role, records.add(role, seq.items, offset), offset);
}

/** The scan pass alone with lsprof's allow-list. */
export function scanPickle(bytes: Uint8Array): PickleScan {
  return scanWith(bytes, LSPROF_DIALECT);
}

export interface LoadOptions {
  /** Called for each value the build pass makes (never called for a refused pickle). */
  onBuild?: BuildHook;
}

export interface LoadedPickle {
  value: PickleValue;
  scan: PickleScan;
  /** How many values the build pass made. */
  objectsBuilt: number;
  /** The fields of the `StructSeq` records in `value`, by row. */
  records: RecordTable;
}

/** Both passes: refuses a pickle naming a foreign global before building anything. */
export function loadPickle(bytes: Uint8Array, options: LoadOptions = {}): LoadedPickle {
  const scan = scanPickle(bytes);
  const records = new RecordTable(scan.reduceCount);
  const built = buildPickle(bytes, LSPROF_DIALECT, scan, {
    ...(options.onBuild ? { onBuild: options.onBuild } : {}),
    reduce: (callable, args, offset) => recordOf(records, callable, args, offset),
  });
  return { ...built, scan, records };
}
