/**
 * Replays hotshot records into a profile (specs/hotshot.md §6–§9). A log is the exact
 * sequence of calls and returns; this file turns it into the aggregate call graph with
 * cProfile's semantics, and, where asked or where the log has them, line costs, call
 * sites, the exact timeline and the calling-context tree.
 *
 * Time. Each record's tdelta is the time since the previous timed record, so it belongs to
 * whatever ran *before* the record: for ENTER the caller, for EXIT the returning frame,
 * for LINENO the current frame's previous line. The replay keeps an absolute clock (in
 * the log's ticks: microseconds, or QueryPerformanceCounter ticks on Windows) and computes
 * each activation's inclusive time from its enter and exit timestamps and its self time as
 * inclusive minus its callees'. Sums stay exact integers until the final conversion to
 * seconds. Records without a tdelta (LINENO without line timings, coverage logs) do not
 * move the clock; times a log cannot give are absent (NaN), never invented.
 *
 * Aggregation (cProfile's rules): per function, calls, primitive calls (calls made while
 * it was not already active), self time, and inclusive time counted at the outermost
 * activation only; per caller→callee pair, the same four numbers with "outermost"
 * meaning the outermost activation of that pair. A top-level frame (entered with nothing
 * on the stack) has no recorded caller and no edge. Function identity is the log's
 * (fileno, first line), named by its DEFINE_FUNC record, which becomes (file, line, name)
 * in the IR; the log itself cannot tell two functions that start on the same line apart.
 *
 * Logs that start or end mid-stack. An EXIT (or LINENO) with nothing on the stack comes
 * from a frame entered before profiling started (`start()` called inside a function). It
 * becomes a synthetic function `<entered before profiling, level N>` (level 1 = the
 * function that called `start()`, 2 = its caller, …): active from the start of the log
 * until its EXIT, so its self time is the time no profiled frame was running, its callees
 * are the top-level frames that ran meanwhile, and level N+1 calls level N
 * (warning `started-mid-stack`). Without such a record, time with an empty stack belongs
 * to no function and is not counted (as in hotshot.stats). Frames still open at the end
 * are closed at the last timestamp (warning `open-frames`; option `strict` makes it an
 * error).
 *
 * Line data (logs with line events): self time and hits per (function, line) — the time
 * between entering a frame and its first LINENO goes to the function's first line — and
 * per call edge the caller's line each call came from, with call counts and inclusive
 * time (counted at the outermost activation of the pair, so a pair's sites add up to its
 * edge). With line events but no line timings, line times are absent; hits and call
 * sites remain.
 *
 * Memory: function, edge, line and call-site tables (bounded by the code, and charged to
 * the read's budget of rows per input byte, core's limits.ts), the stack
 * (bounded by its depth, refused beyond `MAX_DEPTH`), and — only when the output needs
 * them — the timeline (grows with the records; dropped as soon as it passes the output's
 * `timelineLimit`) and the calling-context tree (grows with the distinct stacks). Given a
 * `TimelineSink` (`ReadContext.timeline`), the timeline is delivered there event by event
 * instead, and nothing of it is kept: functions as they are first met, calls and returns
 * as they are replayed (frames entered before profiling announce only their return).
 */
import {
  type FunctionKind,
  float64Column,
  malformed,
  type OutputNeeds,
  type Profile,
  ProfileBuilder,
  type ReadBudget,
  type ReadContext,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
  type TimelineSink,
  uint8Column,
  uint32Column,
} from '@pyprof/core';
import { PairTable, withRows } from './pair-table.js';
import { FORMAT, type RecordSink } from './records.js';

/** Deepest stack accepted: CPython cannot run anywhere near this deep. */
export const MAX_DEPTH = 1_000_000;

/**
 * Most frames entered before profiling (levels of synthetic functions): the stack below
 * `start()`. Each level is a function row; a corrupt log could otherwise ask for one per
 * byte.
 */
export const MAX_LEVELS_BEFORE = 10_000;

/**
 * Most functions entered without a DEFINE_FUNC record (the writer always defines a
 * function before entering it); beyond this the log is corrupt, not short of names.
 */
export const MAX_UNDEFINED_FUNCTIONS = 100_000;

/** File of the synthetic functions that stand for frames entered before profiling. */
export const SYNTHETIC_FILE = 'hotshot';

export function syntheticName(level: number): string {
  return `<entered before profiling, level ${level}>`;
}

/** Call-tree parent keys at or above this stand for "top level of segment k". */
const SEGMENT_KEY = 0x80000000;

// Numbers per function and per edge, side by side (times in ticks; ACTIVE counts open
// activations, for cProfile's outermost-activation rule).
const CALLS = 0;
const PRIMITIVE = 1;
const SELF = 2;
const INCLUSIVE = 3;
const ACTIVE = 4;
const STRIDE = 5;
// Per line: self time, hits. Per call site: calls, inclusive time. Per call-tree node:
// self time, calls.
const LINE_SELF = 0;
const LINE_HITS = 1;
const SITE_CALLS = 0;
const SITE_INCLUSIVE = 1;
const NODE_SELF = 0;
const NODE_CALLS = 1;

export interface ReplayOptions {
  needs: OutputNeeds;
  strict: boolean;
  coverage: boolean;
  warn: ReadContext['warn'];
  /** The read's budget (core's limits.ts): rows and timeline events are charged to it. */
  budget?: ReadBudget;
  /** Receives the timeline as it is replayed, instead of keeping it. */
  timeline?: TimelineSink;
  /** The log's clock ticks per second, asked once, at the first event the sink receives. */
  ticksPerSecond?: () => number;
}

/** Records replayed between two looks at the budget. */
const BUDGET_INTERVAL = 4096;

interface SyntheticFrame {
  fn: number;
  self: number;
  total: number;
}

interface Finished {
  calls: number;
  self: number;
  total: number;
}

export class Replay implements RecordSink {
  readonly #options: ReplayOptions;
  /** Still recording the timeline (asked for, and not over the output's limit). */
  #withTimeline: boolean;
  readonly #timelineLimit: number;
  readonly #withTree: boolean;

  // Header and log tables.
  readonly info: Array<readonly [string, string]> = [];
  readonly #headerValues = new Map<string, string>();
  readonly #files = new Map<number, string>();
  readonly #functionNames = new Map<number, Map<number, string>>();

  /** (fileno, first line) → function row. */
  readonly #keys = new PairTable(1);

  // Functions: identity in plain arrays, numbers in #fnStats (STRIDE per function).
  readonly #fnFile: string[] = [];
  readonly #fnLine: number[] = [];
  readonly #fnName: string[] = [];
  readonly #fnKind: FunctionKind[] = [];
  readonly #identities = new Map<string, number>();
  #fnStats: Float64Array = new Float64Array(64 * STRIDE);

  readonly #edges = new PairTable(STRIDE);
  #lineMode = false;
  readonly #lines = new PairTable(2);
  readonly #sites = new PairTable(2);
  /**
   * Calling-context tree nodes by (parent key, function), only with needs.callTree. A
   * parent key is a node index, or SEGMENT_KEY + k for the top level of segment k.
   */
  readonly #nodes = new PairTable(2);

  // Timeline (only with needs.timeline); times in ticks until the end.
  #timelineKind = uint8Column();
  #timelineFunction = uint32Column();
  #timelineTime = float64Column();

  // The stack, one typed array per field.
  #depth = 0;
  #capacity = 64;
  #stackFunction = new Int32Array(64);
  #stackStart = new Float64Array(64);
  #stackChildren = new Float64Array(64);
  #stackEdge = new Int32Array(64);
  /** The frame's current line (its first line until a LINENO), -1 when unknown. */
  #stackLine = new Int32Array(64);
  /** Its row in #lines, looked up when first needed (-1 until then). */
  #stackLineRow = new Int32Array(64);
  #stackSite = new Int32Array(64);
  #stackNode = new Uint32Array(64);
  /** The bottom stack entry is a synthetic frame (entered before profiling). */
  #syntheticBottom = false;

  // The clock and what the log lacked.
  #now = 0;
  #untimedFrames = false;
  #untimedLines = false;

  // Segments: the stretches between exits of frames entered before profiling.
  #segment = 1;
  readonly #synthetic: SyntheticFrame[] = [];
  /** Top-level calls of this segment, by function: their caller is not known yet. */
  #pending = new Map<number, Finished>();
  #pendingTotal = 0;

  // Counts for the closing warnings.
  #undefinedFunctions = 0;
  readonly #undefinedFiles = new Set<number>();
  #conflicts = 0;
  #coverageWarned = false;
  // A coverage log read as if timed (spec §5): each ENTER takes the next LINENO record's
  // first bytes as its tdelta (so tdelta & 3 is LINENO's type, 2) and every EXIT says 0.
  #enters = 0;
  #lineLikeEnters = 0;
  #exits = 0;
  #timedExits = 0;
  #openFrames = 0;
  #end = 0;
  /** Enters until the next look at the budget, and the rows and events charged so far. */
  #untilBudget = BUDGET_INTERVAL;
  #rowsCharged = 0;
  #eventsCharged = 0;

  /** Where the timeline goes as it is replayed (`ReadContext.timeline`). */
  readonly #sink: TimelineSink | undefined;
  /** The clock's ticks per second, once the sink has been sent an event. */
  #ticksPerSecond = 0;

  constructor(options: ReplayOptions) {
    this.#options = options;
    this.#sink = options.timeline;
    this.#withTimeline = options.needs.timeline === true && this.#sink === undefined;
    this.#timelineLimit = options.needs.timelineLimit ?? Number.POSITIVE_INFINITY;
    this.#withTree = options.needs.callTree === true;
  }

  // ---- RecordSink -------------------------------------------------------------------

  addInfo(key: string, value: string, _offset: number, header: boolean): void {
    this.info.push([key, value]);
    if (!this.#headerValues.has(key)) this.#headerValues.set(key, value);
    if (header && key === 'requested-line-events' && value === 'yes') this.#lineMode = true;
    if (this.#options.coverage) this.#lineMode = true;
  }

  defineFile(fileno: number, name: string): void {
    const known = this.#files.get(fileno);
    if (known === undefined) this.#files.set(fileno, name);
    else if (known !== name) this.#conflicts++;
  }

  defineFunction(fileno: number, lineno: number, name: string): void {
    let names = this.#functionNames.get(fileno);
    if (!names) {
      names = new Map();
      this.#functionNames.set(fileno, names);
    }
    const known = names.get(lineno);
    if (known === undefined) names.set(lineno, name);
    else if (known !== name) this.#conflicts++;
  }

  timings(): void {
    // The decoder applies FRAME_TIMES / LINE_TIMES: records then carry no tdelta (-1).
  }

  enter(fileno: number, lineno: number, tdelta: number, offset: number): void {
    if (tdelta >= 0) {
      if (this.#lineMode) this.#chargeLine(tdelta);
      this.#now += tdelta;
      this.#enters++;
      if ((tdelta & 3) === 2) this.#lineLikeEnters++;
    } else {
      this.#untimedFrames = true;
    }
    if (--this.#untilBudget === 0) this.#chargeBudget(offset);
    const key = this.#keys.find(fileno, lineno);
    const fn = key >= 0 ? (this.#keys.values[key] as number) : this.#newKey(fileno, lineno, offset);
    const d = this.#depth;
    if (d === this.#capacity) this.#grow(offset);
    let edge = -1;
    let site = -1;
    let parentKey = SEGMENT_KEY + this.#segment;
    if (d > 0) {
      edge = this.#edges.row(this.#stackFunction[d - 1] as number, fn);
      (this.#edges.values[edge * STRIDE + ACTIVE] as number)++;
      parentKey = this.#stackNode[d - 1] as number;
      if (this.#lineMode) {
        const line = this.#stackLine[d - 1] as number;
        if (line >= 0) site = this.#sites.row(edge, line);
      }
    }
    (this.#fnStats[fn * STRIDE + ACTIVE] as number)++;
    this.#stackFunction[d] = fn;
    this.#stackStart[d] = this.#now;
    this.#stackChildren[d] = 0;
    this.#stackEdge[d] = edge;
    this.#stackLine[d] = lineno;
    this.#stackLineRow[d] = -1;
    this.#stackSite[d] = site;
    if (this.#withTree) {
      const node = this.#nodes.row(parentKey, fn);
      (this.#nodes.values[node * 2 + NODE_CALLS] as number)++;
      this.#stackNode[d] = node;
    }
    this.#depth = d + 1;
    if (this.#withTimeline) this.#event(TIMELINE_ENTER, fn);
    if (this.#sink) this.#send(TIMELINE_ENTER, fn);
  }

  exit(tdelta: number, offset: number, timed: boolean): void {
    if (timed) {
      if (this.#lineMode) this.#chargeLine(tdelta);
      this.#now += tdelta;
      this.#exits++;
      if (tdelta !== 0) this.#timedExits++;
    } else {
      this.#untimedFrames = true;
    }
    if (this.#depth === 0) this.#enteredBeforeProfiling(offset);
    this.#pop();
  }

  line(lineno: number, tdelta: number, offset: number): void {
    if (!this.#lineMode) this.#startLineMode();
    if (tdelta >= 0) {
      this.#chargeLine(tdelta);
      this.#now += tdelta;
    } else {
      this.#untimedLines = true;
    }
    if (this.#depth === 0) this.#enteredBeforeProfiling(offset);
    if (--this.#untilBudget === 0) this.#chargeBudget(offset);
    const d = this.#depth - 1;
    const row = this.#lines.row(this.#stackFunction[d] as number, lineno);
    this.#stackLine[d] = lineno;
    this.#stackLineRow[d] = row;
    (this.#lines.values[row * 2 + LINE_HITS] as number)++;
  }

  // ---- replay ------------------------------------------------------------------------

  /** Charges time to the current line of the frame on top (before the clock moves on). */
  #chargeLine(tdelta: number): void {
    const d = this.#depth - 1;
    if (d < 0 || tdelta <= 0) return;
    let row = this.#stackLineRow[d] as number;
    if (row < 0) {
      const line = this.#stackLine[d] as number;
      if (line < 0) return;
      row = this.#lines.row(this.#stackFunction[d] as number, line);
      this.#stackLineRow[d] = row;
    }
    (this.#lines.values[row * 2 + LINE_SELF] as number) += tdelta;
  }

  #pop(): void {
    const d = --this.#depth;
    const fn = this.#stackFunction[d] as number;
    const total = this.#now - (this.#stackStart[d] as number);
    const self = total - (this.#stackChildren[d] as number);
    const f = this.#fnStats;
    const at = fn * STRIDE;
    (f[at + CALLS] as number)++;
    (f[at + SELF] as number) += self;
    if (--(f[at + ACTIVE] as number) === 0) {
      (f[at + PRIMITIVE] as number)++;
      (f[at + INCLUSIVE] as number) += total;
    }
    const edge = this.#stackEdge[d] as number;
    const synthetic = d === 0 && this.#syntheticBottom;
    if (edge >= 0) {
      const e = this.#edges.values;
      const row = edge * STRIDE;
      (e[row + CALLS] as number)++;
      (e[row + SELF] as number) += self;
      const outermost = --(e[row + ACTIVE] as number) === 0;
      if (outermost) {
        (e[row + PRIMITIVE] as number)++;
        (e[row + INCLUSIVE] as number) += total;
      }
      const site = this.#stackSite[d] as number;
      if (site >= 0) {
        const s = this.#sites.values;
        (s[site * 2 + SITE_CALLS] as number)++;
        if (outermost) (s[site * 2 + SITE_INCLUSIVE] as number) += total;
      }
    } else if (!synthetic) {
      // A top-level frame: its caller is known only if a later record proves that a
      // frame entered before profiling was below it.
      const pending = this.#pending.get(fn);
      if (pending) {
        pending.calls++;
        pending.self += self;
        pending.total += total;
      } else {
        this.#pending.set(fn, { calls: 1, self, total });
      }
      this.#pendingTotal += total;
    }
    if (d > 0) this.#stackChildren[d - 1] = (this.#stackChildren[d - 1] as number) + total;
    if (this.#withTree && !synthetic)
      (this.#nodes.values[(this.#stackNode[d] as number) * 2 + NODE_SELF] as number) += self;
    if (this.#withTimeline) this.#event(TIMELINE_EXIT, fn);
    if (this.#sink) this.#send(TIMELINE_EXIT, fn);
    if (synthetic) {
      this.#synthetic.push({ fn, self, total });
      this.#syntheticBottom = false;
      this.#segment++;
      this.#pending = new Map();
      this.#pendingTotal = 0;
    }
  }

  /**
   * The stack is empty but a record shows a frame running: one entered before profiling
   * started. It becomes the bottom of the stack, active since the log's start, calling
   * the previous such frame and the top-level frames that ran in this segment.
   */
  #enteredBeforeProfiling(offset: number): void {
    const level = this.#segment;
    if (level > MAX_LEVELS_BEFORE) {
      throw malformed(
        FORMAT,
        { offset },
        `more than ${MAX_LEVELS_BEFORE} frames return that were entered before profiling started: no real stack is that deep, the log is corrupt`,
      );
    }
    const fn = this.#addFunction(SYNTHETIC_FILE, 0, syntheticName(level), 'synthetic');
    const previous = this.#synthetic[level - 2];
    let children = this.#pendingTotal;
    if (previous) {
      children += previous.total;
      this.#addFinishedCalls(fn, previous.fn, {
        calls: 1,
        self: previous.self,
        total: previous.total,
      });
    }
    for (const [callee, calls] of this.#pending) this.#addFinishedCalls(fn, callee, calls);
    this.#pending = new Map();
    this.#pendingTotal = 0;
    (this.#fnStats[fn * STRIDE + ACTIVE] as number)++;
    this.#stackFunction[0] = fn;
    this.#stackStart[0] = 0;
    this.#stackChildren[0] = children;
    this.#stackEdge[0] = -1;
    this.#stackLine[0] = -1;
    this.#stackLineRow[0] = -1;
    this.#stackSite[0] = -1;
    this.#stackNode[0] = SEGMENT_KEY + level;
    this.#depth = 1;
    this.#syntheticBottom = true;
  }

  /** Calls that ran at the top of the stack, none inside another: all outermost. */
  #addFinishedCalls(caller: number, callee: number, calls: Finished): void {
    const row = this.#edges.row(caller, callee) * STRIDE;
    const e = this.#edges.values;
    (e[row + CALLS] as number) += calls.calls;
    (e[row + PRIMITIVE] as number) += calls.calls;
    (e[row + SELF] as number) += calls.self;
    (e[row + INCLUSIVE] as number) += calls.total;
  }

  #startLineMode(): void {
    this.#lineMode = true;
    if (this.#headerValues.get('requested-line-events') === 'no') {
      this.#warnCoverage('it has line events although its header says none were requested');
    }
  }

  #warnCoverage(why: string): void {
    if (this.#coverageWarned) return;
    this.#coverageWarned = true;
    this.#options.warn({
      code: 'coverage-log',
      message: `this looks like a log written by _hotshot.coverage() (${why}): its records carry no times although its header says they do, so they are misread; read it with the coverage option`,
    });
  }

  #grow(offset: number): void {
    if (this.#capacity >= MAX_DEPTH) {
      throw malformed(
        FORMAT,
        { offset },
        `the call stack grows deeper than ${MAX_DEPTH} frames: Python cannot run that deep, the log is corrupt`,
      );
    }
    const capacity = Math.min(MAX_DEPTH, this.#capacity * 2);
    const grow = <T extends Int32Array | Float64Array | Uint32Array>(
      old: T,
      make: (n: number) => T,
    ) => {
      const next = make(capacity);
      next.set(old as never);
      return next;
    };
    this.#stackFunction = grow(this.#stackFunction, (n) => new Int32Array(n));
    this.#stackStart = grow(this.#stackStart, (n) => new Float64Array(n));
    this.#stackChildren = grow(this.#stackChildren, (n) => new Float64Array(n));
    this.#stackEdge = grow(this.#stackEdge, (n) => new Int32Array(n));
    this.#stackLine = grow(this.#stackLine, (n) => new Int32Array(n));
    this.#stackLineRow = grow(this.#stackLineRow, (n) => new Int32Array(n));
    this.#stackSite = grow(this.#stackSite, (n) => new Int32Array(n));
    this.#stackNode = grow(this.#stackNode, (n) => new Uint32Array(n));
    this.#capacity = capacity;
  }

  /**
   * Charges the rows and events made since the last look to the budget. Each ENTER makes
   * at most a few rows (a function, an edge, a call site, a tree node) and two events, so
   * looking every `BUDGET_INTERVAL` enters keeps the overshoot small, and the hot path
   * pays one decrement (so does a LINENO record, which can make a line row; an EXIT
   * makes no row, but a timeline event, at most one per ENTER).
   */
  #chargeBudget(offset: number): void {
    this.#untilBudget = BUDGET_INTERVAL;
    const budget = this.#options.budget;
    if (budget === undefined) return;
    const rows =
      this.#fnFile.length +
      this.#edges.length +
      this.#lines.length +
      this.#sites.length +
      this.#nodes.length;
    budget.entries(rows - this.#rowsCharged, FORMAT, { offset });
    this.#rowsCharged = rows;
    const events = this.#timelineKind.length;
    if (events > this.#eventsCharged) {
      budget.events(events - this.#eventsCharged, FORMAT, { offset });
      this.#eventsCharged = events;
    }
  }

  #event(kind: number, fn: number): void {
    if (this.#timelineKind.length >= this.#timelineLimit) {
      this.#dropTimeline();
      return;
    }
    this.#timelineKind.push(kind);
    this.#timelineFunction.push(fn);
    this.#timelineTime.push(this.#now);
  }

  /** One event to the sink, in seconds (NaN once the log has shown records without times). */
  #send(kind: number, fn: number): void {
    // Divided as the stored timeline is (build), so both give the same seconds.
    if (this.#ticksPerSecond === 0) this.#ticksPerSecond = this.#options.ticksPerSecond?.() ?? 1e6;
    const time = this.#untimedFrames ? Number.NaN : this.#now / this.#ticksPerSecond;
    (this.#sink as TimelineSink).event(kind, fn, time);
  }

  /** Longer than the output will use (it falls back to the call tree): let it go. */
  #dropTimeline(): void {
    this.#withTimeline = false;
    this.#timelineKind = uint8Column(1);
    this.#timelineFunction = uint32Column(1);
    this.#timelineTime = float64Column(1);
  }

  // ---- functions ---------------------------------------------------------------------

  /** A log key seen for the first time: its function, named by DEFINE_FILE / DEFINE_FUNC. */
  #newKey(fileno: number, lineno: number, offset: number): number {
    let file = this.#files.get(fileno);
    if (file === undefined) {
      this.#undefinedFiles.add(fileno);
      file = `<undefined file ${fileno}>`;
    }
    let name = this.#functionNames.get(fileno)?.get(lineno);
    if (name === undefined) {
      if (++this.#undefinedFunctions > MAX_UNDEFINED_FUNCTIONS) {
        throw malformed(
          FORMAT,
          { offset },
          `more than ${MAX_UNDEFINED_FUNCTIONS} functions are entered without a DEFINE_FUNC record (the writer defines every function first): the log is corrupt`,
        );
      }
      name = '<undefined>';
    }
    const fn = this.#addFunction(file, lineno, name, 'python');
    const key = this.#keys.add(fileno, lineno); // first: adding may move `values`
    this.#keys.values[key] = fn;
    return fn;
  }

  /** The row of (file, line, name); distinct log keys naming the same triple share it. */
  #addFunction(file: string, line: number, name: string, kind: FunctionKind): number {
    const identity = `${file}\u0000${line}\u0000${name}`;
    const known = this.#identities.get(identity);
    if (known !== undefined) return known;
    const fn = this.#fnFile.length;
    this.#identities.set(identity, fn);
    this.#fnFile.push(file);
    this.#fnLine.push(line);
    this.#fnName.push(name);
    this.#fnKind.push(kind);
    this.#fnStats = withRows(this.#fnStats, fn + 1, STRIDE);
    this.#sink?.function(fn, file, line, name, kind);
    return fn;
  }

  // ---- the end -----------------------------------------------------------------------

  /** Closes what is still open at the end of the log (at `end`, its length in bytes). */
  close(end: number): void {
    this.#end = end;
    const synthetic = this.#syntheticBottom ? 1 : 0;
    this.#openFrames = this.#depth - synthetic;
    if (this.#openFrames > 0 && this.#options.strict) {
      throw malformed(
        FORMAT,
        { offset: end },
        `${describeOpen(this.#openFrames)} at the end of the log (cut, or stopped inside a function); without the strict option they are closed at the last timestamp`,
      );
    }
    while (this.#depth > 0) this.#pop();
    this.#chargeBudget(end);
  }

  /** The profile, with `metadata` from the header; call after `close`. */
  build(
    ticksPerSecond: number,
    metadata: ConstructorParameters<typeof ProfileBuilder>[0],
  ): Profile {
    this.#warnings();
    const b = new ProfileBuilder(metadata);
    const n = this.#fnFile.length;
    const edges = this.#edges;
    b.reserve({ functions: n, calls: edges.length });
    const timed = !this.#untimedFrames;
    const seconds = (ticks: number) => (timed ? ticks / ticksPerSecond : Number.NaN);
    const f = this.#fnStats;
    for (let fn = 0; fn < n; fn++) {
      const row = b.addFunction(
        this.#fnFile[fn] as string,
        this.#fnLine[fn] as number,
        this.#fnName[fn] as string,
        this.#fnKind[fn],
      );
      if (row !== fn) throw new Error(`hotshot replay: function rows out of step (${row} ≠ ${fn})`);
      const at = fn * STRIDE;
      b.setFunctionStats(fn, {
        callCount: f[at + CALLS] as number,
        primitiveCallCount: f[at + PRIMITIVE] as number,
        selfTime: seconds(f[at + SELF] as number),
        inclusiveTime: seconds(f[at + INCLUSIVE] as number),
      });
    }
    const e = edges.values;
    for (let edge = 0; edge < edges.length; edge++) {
      const at = edge * STRIDE;
      b.appendCall(
        edges.first.get(edge),
        edges.second.get(edge),
        e[at + CALLS] as number,
        e[at + PRIMITIVE] as number,
        seconds(e[at + SELF] as number),
        seconds(e[at + INCLUSIVE] as number),
      );
    }
    if (this.#lineMode) {
      const lines = this.#lines;
      const lineTimed = timed && !this.#untimedLines;
      const self = lines.column(LINE_SELF);
      for (let k = 0; k < self.length; k++)
        self[k] = lineTimed ? (self[k] as number) / ticksPerSecond : Number.NaN;
      b.setLines({
        length: lines.length,
        function: lines.first.finish(),
        line: Int32Array.from(lines.second.finish()),
        selfTime: self,
        hits: lines.column(LINE_HITS),
      });
      const sites = this.#sites;
      const inclusive = sites.column(SITE_INCLUSIVE);
      for (let k = 0; k < inclusive.length; k++) inclusive[k] = seconds(inclusive[k] as number);
      b.setCallSites({
        length: sites.length,
        call: sites.first.finish(),
        line: Int32Array.from(sites.second.finish()),
        callCount: sites.column(SITE_CALLS),
        inclusiveTime: inclusive,
      });
    }
    if (this.#synthetic.length + this.#timelineKind.length > this.#timelineLimit)
      this.#dropTimeline();
    if (this.#withTimeline) b.setTimeline(this.#timeline(ticksPerSecond));
    if (this.#withTree) b.setCallTree(this.#callTree(seconds));
    return b.build();
  }

  /** The timeline, with the enters of frames entered before profiling put at time 0. */
  #timeline(ticksPerSecond: number) {
    const before = this.#synthetic.length;
    const length = before + this.#timelineKind.length;
    const kind = new Uint8Array(length);
    const fn = new Uint32Array(length);
    const time = new Float64Array(length);
    for (let k = 0; k < before; k++) {
      kind[k] = TIMELINE_ENTER;
      fn[k] = (this.#synthetic[before - 1 - k] as SyntheticFrame).fn;
    }
    kind.set(this.#timelineKind.finish(), before);
    fn.set(this.#timelineFunction.finish(), before);
    const ticks = this.#timelineTime.finish();
    for (let k = 0; k < ticks.length; k++) time[before + k] = (ticks[k] as number) / ticksPerSecond;
    return { length, kind, function: fn, time };
  }

  /**
   * The calling-context tree. Frames entered before profiling become its first nodes
   * (outermost first), and the top-level nodes of their segments hang below them.
   */
  #callTree(seconds: (ticks: number) => number) {
    const levels = this.#synthetic.length;
    const nodes = this.#nodes;
    const count = nodes.length;
    const length = levels + count;
    const parent = new Int32Array(length);
    const fn = new Uint32Array(length);
    const self = new Float64Array(length);
    const calls = new Float64Array(length);
    // Level k sits at index levels - k; level `levels` is the root.
    for (let level = levels; level >= 1; level--) {
      const at = levels - level;
      const frame = this.#synthetic[level - 1] as SyntheticFrame;
      parent[at] = level === levels ? -1 : at - 1;
      fn[at] = frame.fn;
      self[at] = seconds(frame.self);
      calls[at] = 1;
    }
    for (let node = 0; node < count; node++) {
      const key = nodes.first.get(node);
      let p: number;
      if (key >= SEGMENT_KEY) {
        const segment = key - SEGMENT_KEY;
        p = segment <= levels ? levels - segment : -1;
      } else {
        p = key + levels;
      }
      parent[levels + node] = p;
      fn[levels + node] = nodes.second.get(node);
      self[levels + node] = seconds(nodes.values[node * 2 + NODE_SELF] as number);
      calls[levels + node] = nodes.values[node * 2 + NODE_CALLS] as number;
    }
    return { length, parent, function: fn, selfTime: self, callCount: calls };
  }

  #warnings(): void {
    const warn = this.#options.warn;
    if (
      !this.#options.coverage &&
      this.#enters >= 16 &&
      this.#lineLikeEnters === this.#enters &&
      this.#exits > 0 &&
      this.#timedExits === 0
    ) {
      this.#warnCoverage(
        `all ${this.#enters} ENTER times look like LINENO records and every EXIT time is 0`,
      );
    }
    if (this.#openFrames > 0) {
      warn({
        code: 'open-frames',
        message: `${describeOpen(this.#openFrames)} at the end of the log (cut, or stopped inside a function): closed at the last timestamp, so their times end there`,
        place: { offset: this.#end },
      });
    }
    if (this.#synthetic.length > 0) {
      const levels = this.#synthetic.length;
      warn({
        code: 'started-mid-stack',
        message: `profiling started inside running code: ${levels} frame${levels === 1 ? '' : 's'} entered before profiling ${levels === 1 ? 'shows' : 'show'} as ${syntheticName(1)}${levels > 1 ? ` … level ${levels}` : ''} (their real names are not in the log)`,
      });
    }
    if (this.#undefinedFunctions > 0) {
      warn({
        code: 'undefined-function',
        message: `${this.#undefinedFunctions} function${this.#undefinedFunctions === 1 ? ' was' : 's were'} entered without a DEFINE_FUNC record: named <undefined> at their file and first line`,
      });
    }
    if (this.#undefinedFiles.size > 0) {
      warn({
        code: 'undefined-file',
        message: `file number${this.#undefinedFiles.size === 1 ? '' : 's'} ${[...this.#undefinedFiles].slice(0, 10).join(', ')} used without a DEFINE_FILE record: shown as <undefined file N>`,
      });
    }
    if (this.#conflicts > 0) {
      warn({
        code: 'conflicting-definition',
        message: `${this.#conflicts} DEFINE_FILE/DEFINE_FUNC record${this.#conflicts === 1 ? '' : 's'} redefined a file or function number with another name: the first name is kept`,
      });
    }
  }

  /** First value of a header key. */
  header(key: string): string | undefined {
    return this.#headerValues.get(key);
  }
}

function describeOpen(count: number): string {
  return `${count} frame${count === 1 ? ' was' : 's were'} still open`;
}
