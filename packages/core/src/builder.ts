/**
 * `ProfileBuilder` is how readers (and transforms such as merge) make a `Profile`: it
 * interns strings, gives each distinct (file, line, name) one function row, gives each
 * (caller, callee) pair one call row, and sums numbers added twice — the `pstats.Stats.add`
 * rule. Rows start at zero; adding an absent value (NaN) makes the sum absent, so a merge
 * of a counts-only source with a timed one keeps the counts and leaves the times unknown.
 */
import {
  type Column,
  float64Column,
  int32Column,
  PairIndex,
  TripleIndex,
  uint8Column,
  uint32Column,
  withIndex,
} from './columns.js';
import type { ReadBudget } from './limits.js';
import { moduleNameFromPath } from './module-name.js';
import {
  type CallSiteTable,
  type CallTree,
  FUNCTION_KINDS,
  type FunctionDetails,
  type FunctionKind,
  IR_VERSION,
  type LineTable,
  type Profile,
  type ProfileMetadata,
  type Timeline,
} from './profile.js';

/** Numbers for a function row; omitted fields add nothing. */
export interface FunctionStatsInput {
  callCount?: number;
  primitiveCallCount?: number;
  selfTime?: number;
  inclusiveTime?: number;
}

/** Numbers for a call row; omitted fields add nothing, NaN marks them absent. */
export interface CallStatsInput {
  callCount?: number;
  primitiveCallCount?: number;
  selfTime?: number;
  inclusiveTime?: number;
}

/** The metadata a builder starts from (kept for compatibility: the same as `ProfileMetadata`). */
export type MetadataInput = ProfileMetadata;

export class ProfileBuilder {
  readonly metadata: ProfileMetadata;
  readonly #strings: string[] = [''];
  readonly #stringIndex = new Map<string, number>([['', 0]]);

  readonly #fnFile = uint32Column();
  readonly #fnLine = int32Column();
  readonly #fnName = uint32Column();
  readonly #fnKind = uint8Column();
  readonly #fnModule = uint32Column();
  readonly #fnCalls = float64Column();
  readonly #fnPrimitive = float64Column();
  readonly #fnSelf = float64Column();
  readonly #fnInclusive = float64Column();
  #fnIndex: TripleIndex | undefined;
  readonly #details = new Map<number, FunctionDetails>();
  /** Per file string index: its module's string index + 1 (0: not worked out yet). */
  #moduleOfFile = new Int32Array(64);

  readonly #callCaller = uint32Column();
  readonly #callCallee = uint32Column();
  readonly #callCount = float64Column();
  readonly #callPrimitive = float64Column();
  readonly #callSelf = float64Column();
  readonly #callInclusive = float64Column();
  #callIndex: PairIndex | undefined;

  #timeline: Timeline | undefined;
  #callTree: CallTree | undefined;
  #lines: LineTable | undefined;
  #callSites: CallSiteTable | undefined;

  /** Charges new rows to a read's budget (`chargeRowsTo`); unset, nothing is charged. */
  #charge: ((rows: number) => void) | undefined;

  constructor(metadata: MetadataInput) {
    this.metadata = { ...metadata };
  }

  /** The function index, rebuilt after a reorder. */
  /**
   * Charges every function, call and line row this builder makes to `budget` as it is
   * made (`entriesPerByte`, core's limits.ts): for readers whose rows come from values
   * they built first (the pickle readers), so no row is made past the budget.
   */
  chargeRowsTo(budget: ReadBudget, format: string): void {
    this.#charge = (rows) => budget.entries(rows, format);
  }

  #functionIndex(): TripleIndex {
    if (!this.#fnIndex) {
      const n = this.#fnFile.length;
      this.#fnIndex = new TripleIndex(this.#fnFile, this.#fnLine, this.#fnName, n);
      for (let row = 0; row < n; row++) this.#fnIndex.insert(row);
    }
    return this.#fnIndex;
  }

  #pairIndex(): PairIndex {
    if (!this.#callIndex) {
      const m = this.#callCaller.length;
      this.#callIndex = new PairIndex(this.#callCaller, this.#callCallee, m);
      for (let row = 0; row < m; row++) this.#callIndex.insert(row);
    }
    return this.#callIndex;
  }

  get functionCount(): number {
    return this.#fnFile.length;
  }

  get callCount(): number {
    return this.#callCaller.length;
  }

  /**
   * Pre-sizes the columns when the number of rows can be estimated, so they do not grow
   * (growing holds the old and the new column at once).
   */
  reserve(rows: { functions?: number; calls?: number }): void {
    if (rows.functions !== undefined)
      for (const column of this.#functionColumns()) column.reserve(rows.functions);
    if (rows.calls !== undefined)
      for (const column of this.#callColumns()) column.reserve(rows.calls);
  }

  /** Every per-function column (they always have the same length). */
  #functionColumns(): Column<Float64Array | Uint32Array | Int32Array | Uint8Array>[] {
    return [
      this.#fnFile,
      this.#fnLine,
      this.#fnName,
      this.#fnKind,
      this.#fnModule,
      this.#fnCalls,
      this.#fnPrimitive,
      this.#fnSelf,
      this.#fnInclusive,
    ] as Column<Float64Array | Uint32Array | Int32Array | Uint8Array>[];
  }

  /** Every per-call column. */
  #callColumns(): Column<Float64Array | Uint32Array>[] {
    return [
      this.#callCaller,
      this.#callCallee,
      this.#callCount,
      this.#callPrimitive,
      this.#callSelf,
      this.#callInclusive,
    ] as Column<Float64Array | Uint32Array>[];
  }

  /** Interns a string, returning its index in `Profile.strings`. */
  intern(text: string): number {
    let index = this.#stringIndex.get(text);
    if (index === undefined) {
      index = this.#strings.length;
      this.#strings.push(text);
      this.#stringIndex.set(text, index);
    }
    return index;
  }

  string(index: number): string {
    return this.#strings[index] as string;
  }

  /** The row of (file, line, name), or -1. */
  findFunction(file: string, line: number, name: string): number {
    const f = this.#stringIndex.get(file);
    const n = this.#stringIndex.get(name);
    if (f === undefined || n === undefined) return -1;
    return this.#findFunctionIds(f, line, n);
  }

  #findFunctionIds(f: number, line: number, n: number): number {
    return this.#functionIndex().find(f, line, n);
  }

  /**
   * The row for (file, line, name), created with zero numbers if new. `kind`, `module`
   * and `details` are only used when the row is created.
   */
  addFunction(
    file: string,
    line: number,
    name: string,
    kind: FunctionKind = 'python',
    options: { module?: string; details?: FunctionDetails } = {},
  ): number {
    const f = this.intern(file);
    const n = this.intern(name);
    const found = this.#findFunctionIds(f, line, n);
    if (found >= 0) return found;
    this.#charge?.(1);
    const row = this.#fnFile.push(f);
    this.#fnLine.push(line);
    this.#fnName.push(n);
    this.#fnKind.push(FUNCTION_KINDS.indexOf(kind));
    this.#fnModule.push(
      options.module !== undefined ? this.intern(options.module) : this.#moduleFor(f),
    );
    this.#fnCalls.push(0);
    this.#fnPrimitive.push(0);
    this.#fnSelf.push(0);
    this.#fnInclusive.push(0);
    this.#functionIndex().insert(row);
    if (options.details) this.#details.set(row, options.details);
    return row;
  }

  #moduleFor(fileIndex: number): number {
    this.#moduleOfFile = withIndex(this.#moduleOfFile, fileIndex);
    const known = this.#moduleOfFile[fileIndex] as number;
    if (known > 0) return known - 1;
    const module = this.intern(moduleNameFromPath(this.#strings[fileIndex] as string));
    this.#moduleOfFile[fileIndex] = module + 1;
    return module;
  }

  /** Adds numbers to a function row (NaN makes the field absent). */
  addFunctionStats(fn: number, stats: FunctionStatsInput): void {
    if (stats.callCount !== undefined) this.#fnCalls.add(fn, stats.callCount);
    if (stats.primitiveCallCount !== undefined) this.#fnPrimitive.add(fn, stats.primitiveCallCount);
    if (stats.selfTime !== undefined) this.#fnSelf.add(fn, stats.selfTime);
    if (stats.inclusiveTime !== undefined) this.#fnInclusive.add(fn, stats.inclusiveTime);
  }

  /**
   * `addFunctionStats` with all four numbers as arguments: no object per row, for readers
   * that add the numbers of every function of a big profile.
   */
  addFunctionNumbers(
    fn: number,
    callCount: number,
    primitiveCallCount: number,
    selfTime: number,
    inclusiveTime: number,
  ): void {
    this.#fnCalls.add(fn, callCount);
    this.#fnPrimitive.add(fn, primitiveCallCount);
    this.#fnSelf.add(fn, selfTime);
    this.#fnInclusive.add(fn, inclusiveTime);
  }

  /** Replaces the numbers of a function row (a later duplicate key wins, as in CPython). */
  setFunctionStats(fn: number, stats: Required<FunctionStatsInput>): void {
    this.#fnCalls.set(fn, stats.callCount);
    this.#fnPrimitive.set(fn, stats.primitiveCallCount);
    this.#fnSelf.set(fn, stats.selfTime);
    this.#fnInclusive.set(fn, stats.inclusiveTime);
  }

  functionStats(fn: number): Required<FunctionStatsInput> {
    return {
      callCount: this.#fnCalls.get(fn),
      primitiveCallCount: this.#fnPrimitive.get(fn),
      selfTime: this.#fnSelf.get(fn),
      inclusiveTime: this.#fnInclusive.get(fn),
    };
  }

  setDetails(fn: number, details: FunctionDetails): void {
    this.#details.set(fn, details);
  }

  /** The row of caller→callee, or -1. */
  findCall(caller: number, callee: number): number {
    return this.#pairIndex().find(caller, callee);
  }

  /** The row of caller→callee (created with zeros if new), with `stats` added to it. */
  addCall(caller: number, callee: number, stats: CallStatsInput = {}): number {
    let row = this.findCall(caller, callee);
    if (row < 0) {
      this.#charge?.(1);
      row = this.#callCaller.push(caller);
      this.#callCallee.push(callee);
      this.#callCount.push(0);
      this.#callPrimitive.push(0);
      this.#callSelf.push(0);
      this.#callInclusive.push(0);
      this.#pairIndex().insert(row);
    }
    if (stats.callCount !== undefined) this.#callCount.add(row, stats.callCount);
    if (stats.primitiveCallCount !== undefined)
      this.#callPrimitive.add(row, stats.primitiveCallCount);
    if (stats.selfTime !== undefined) this.#callSelf.add(row, stats.selfTime);
    if (stats.inclusiveTime !== undefined) this.#callInclusive.add(row, stats.inclusiveTime);
    return row;
  }

  /**
   * Appends a call row for a pair the caller knows is new (no lookup, no index upkeep:
   * the index is rebuilt only if a lookup happens later). Faster and smaller than
   * `addCall` for readers whose source lists each pair once.
   */
  appendCall(
    caller: number,
    callee: number,
    callCount: number,
    primitiveCallCount: number,
    selfTime: number,
    inclusiveTime: number,
  ): number {
    this.#charge?.(1);
    const row = this.#callCaller.push(caller);
    this.#callCallee.push(callee);
    this.#callCount.push(callCount);
    this.#callPrimitive.push(primitiveCallCount);
    this.#callSelf.push(selfTime);
    this.#callInclusive.push(inclusiveTime);
    this.#callIndex = undefined;
    return row;
  }

  /** Replaces the numbers of a call row. */
  setCallStats(row: number, stats: Required<CallStatsInput>): void {
    this.#callCount.set(row, stats.callCount);
    this.#callPrimitive.set(row, stats.primitiveCallCount);
    this.#callSelf.set(row, stats.selfTime);
    this.#callInclusive.set(row, stats.inclusiveTime);
  }

  callStats(row: number): Required<CallStatsInput> & { caller: number; callee: number } {
    return {
      caller: this.#callCaller.get(row),
      callee: this.#callCallee.get(row),
      callCount: this.#callCount.get(row),
      primitiveCallCount: this.#callPrimitive.get(row),
      selfTime: this.#callSelf.get(row),
      inclusiveTime: this.#callInclusive.get(row),
    };
  }

  #reorder(order: ArrayLike<number>): void {
    const n = this.#fnFile.length;
    const { newIndex, oldOf } = rowPlacement(order, n);
    for (const column of this.#functionColumns()) permuteRows(column.data, oldOf, n);
    const details = [...this.#details];
    this.#details.clear();
    for (const [old, value] of details) this.#details.set(newIndex[old] as number, value);
    remapRows(this.#callCaller.data, this.#callCaller.length, newIndex);
    remapRows(this.#callCallee.data, this.#callCallee.length, newIndex);
    // Rebuilt on the next lookup, if there is one.
    this.#fnIndex = undefined;
    this.#callIndex = undefined;
    for (const table of [this.#timeline, this.#callTree, this.#lines])
      if (table) remapRows(table.function, table.function.length, newIndex);
  }

  setTimeline(timeline: Timeline): void {
    this.#timeline = timeline;
  }

  setCallTree(callTree: CallTree): void {
    this.#callTree = callTree;
  }

  setLines(lines: LineTable): void {
    this.#charge?.(lines.length);
    this.#lines = lines;
  }

  setCallSites(callSites: CallSiteTable): void {
    this.#callSites = callSites;
  }

  /**
   * The finished profile. `functionOrder` lists row indices in the order the profile
   * should have (e.g. a dict's key order when callers were seen before their own entry);
   * rows it leaves out follow in their current order.
   */
  build(options: { functionOrder?: ArrayLike<number> } = {}): Profile {
    if (options.functionOrder) this.#reorder(options.functionOrder);
    const functions = {
      length: this.#fnFile.length,
      file: this.#fnFile.finish(),
      line: this.#fnLine.finish(),
      name: this.#fnName.finish(),
      kind: this.#fnKind.finish(),
      module: this.#fnModule.finish(),
      callCount: this.#fnCalls.finish(),
      primitiveCallCount: this.#fnPrimitive.finish(),
      selfTime: this.#fnSelf.finish(),
      inclusiveTime: this.#fnInclusive.finish(),
      details: new Map(this.#details),
    };
    const calls = {
      length: this.#callCaller.length,
      caller: this.#callCaller.finish(),
      callee: this.#callCallee.finish(),
      callCount: this.#callCount.finish(),
      primitiveCallCount: this.#callPrimitive.finish(),
      selfTime: this.#callSelf.finish(),
      inclusiveTime: this.#callInclusive.finish(),
    };
    return {
      irVersion: IR_VERSION,
      metadata: { ...this.metadata },
      strings: [...this.#strings],
      functions,
      calls,
      ...(this.#timeline ? { timeline: this.#timeline } : {}),
      ...(this.#callTree ? { callTree: this.#callTree } : {}),
      ...(this.#lines ? { lines: this.#lines } : {}),
      ...(this.#callSites ? { callSites: this.#callSites } : {}),
    };
  }
}

// The reorder's loops each live in a function of their own: V8 optimizes a long loop while
// it runs, and a function that went on to a second loop left that optimized code (and
// went back to the interpreter) at every loop, on every reorder.

/** Where each row goes: those in `order` first, then the rest in their current order. */
function rowPlacement(
  order: ArrayLike<number>,
  n: number,
): { newIndex: Int32Array; oldOf: Int32Array } {
  const newIndex = new Int32Array(n).fill(-1);
  const oldOf = new Int32Array(n);
  const placed = placeListed(order, n, newIndex, oldOf);
  placeRest(n, placed, newIndex, oldOf);
  return { newIndex, oldOf };
}

function placeListed(
  order: ArrayLike<number>,
  n: number,
  newIndex: Int32Array,
  oldOf: Int32Array,
): number {
  let placed = 0;
  for (let k = 0; k < order.length; k++) {
    const old = order[k] as number;
    if (old < 0 || old >= n || newIndex[old] !== -1)
      throw new RangeError(`functionOrder: bad or repeated row ${old}`);
    newIndex[old] = placed;
    oldOf[placed++] = old;
  }
  return placed;
}

function placeRest(n: number, placed: number, newIndex: Int32Array, oldOf: Int32Array): void {
  for (let old = 0; old < n; old++) {
    if (newIndex[old] === -1) {
      newIndex[old] = placed;
      oldOf[placed++] = old;
    }
  }
}

/** Replaces each of the first `length` row numbers in `rows` by its new number. */
function remapRows(rows: Uint32Array, length: number, newIndex: Int32Array): void {
  for (let k = 0; k < length; k++) rows[k] = newIndex[rows[k] as number] as number;
}

/**
 * Puts rows `oldOf[0..n)` of a column at `0..n`. The bytes are moved through a 32-bit or
 * an 8-bit view, so the loops see two array types, not four: a loop that met a new one
 * after V8 had optimized it went back to the interpreter, six times per reorder. Moving
 * bytes also keeps every float's bits, NaN payloads included.
 */
function permuteRows(
  data: Float64Array | Uint32Array | Int32Array | Uint8Array,
  oldOf: Int32Array,
  n: number,
): void {
  if (data.BYTES_PER_ELEMENT === 1) {
    permuteBytes(data as Uint8Array, oldOf, n);
    return;
  }
  const lanes = data.BYTES_PER_ELEMENT / 4;
  permuteWords(new Uint32Array(data.buffer, data.byteOffset, n * lanes), oldOf, n, lanes);
}

function permuteWords(words: Uint32Array, oldOf: Int32Array, n: number, lanes: number): void {
  const copy = words.slice();
  for (let k = 0; k < n; k++) {
    const from = (oldOf[k] as number) * lanes;
    for (let lane = 0; lane < lanes; lane++) words[k * lanes + lane] = copy[from + lane] as number;
  }
}

function permuteBytes(bytes: Uint8Array, oldOf: Int32Array, n: number): void {
  const copy = bytes.slice(0, n);
  for (let k = 0; k < n; k++) bytes[k] = copy[oldOf[k] as number] as number;
}
