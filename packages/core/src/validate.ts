/**
 * `validateProfile` is the invariant checker every reader's tests (and the CLI, after
 * reading) run, like pprof's `CheckValid`. Errors are structural: an index out of range,
 * a negative or infinite count, a duplicate identity, an unbalanced timeline. A count may
 * be absent (NaN: sampled stacks and line_profiler count no calls), never negative. Warnings
 * are inconsistencies real sources can contain (yappi's swapped counts, clock jitter
 * making self time exceed inclusive time) and are reported, not fatal.
 */
import { hashInts } from './columns.js';
import { ProfileError } from './errors.js';
import {
  COST_UNITS,
  FUNCTION_KINDS,
  IR_VERSION,
  type Profile,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
} from './profile.js';

export interface ValidationResult {
  /** Broken invariants (first 50 shown; `errorCount` has them all). */
  errors: string[];
  warnings: string[];
  errorCount: number;
  warningCount: number;
}

const SHOWN = 50;
/** Relative tolerance for "self ≤ inclusive" and sum checks (float rounding of summed times). */
const TOLERANCE = 1e-9;

/** A count the IR accepts: a finite number ≥ 0, or absent (NaN). */
function isCount(value: number): boolean {
  return Number.isNaN(value) || (value >= 0 && value !== Infinity);
}

function within(a: number, b: number): boolean {
  return a <= b + TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

export function validateProfile(profile: Profile): ValidationResult {
  const result: ValidationResult = { errors: [], warnings: [], errorCount: 0, warningCount: 0 };
  const error = (message: string) => {
    if (result.errorCount++ < SHOWN) result.errors.push(message);
  };
  const warn = (message: string) => {
    if (result.warningCount++ < SHOWN) result.warnings.push(message);
  };
  let brokenColumns = false;
  const columnError = (message: string) => {
    brokenColumns = true;
    error(message);
  };

  if (profile.irVersion !== IR_VERSION)
    error(`irVersion is ${profile.irVersion}, expected ${IR_VERSION}`);
  const strings = profile.strings;
  if (strings[0] !== '') error(`strings[0] must be ''`);
  const unit = profile.metadata.costUnit;
  if (unit !== undefined && !COST_UNITS.includes(unit)) error(`unknown cost unit ${String(unit)}`);
  const fns = profile.functions;
  const n = fns.length;
  for (const [column, array] of Object.entries({
    file: fns.file,
    line: fns.line,
    name: fns.name,
    kind: fns.kind,
    module: fns.module,
    callCount: fns.callCount,
    primitiveCallCount: fns.primitiveCallCount,
    selfTime: fns.selfTime,
    inclusiveTime: fns.inclusiveTime,
  })) {
    if (array.length !== n)
      columnError(`functions.${column} has ${array.length} rows, expected ${n}`);
  }
  if (brokenColumns) return result;

  const identities = new DuplicateFinder(n);
  for (let i = 0; i < n; i++) {
    const file = fns.file[i] as number;
    const name = fns.name[i] as number;
    if (file >= strings.length) error(`function ${i}: file string ${file} out of range`);
    if (name >= strings.length) error(`function ${i}: name string ${name} out of range`);
    if ((fns.module[i] as number) >= strings.length)
      error(`function ${i}: module string out of range`);
    if ((fns.kind[i] as number) >= FUNCTION_KINDS.length)
      error(`function ${i}: unknown kind ${fns.kind[i]}`);
    if (identities.seen(file, fns.line[i] as number, name)) {
      error(`function ${i}: duplicate identity ${describe(profile, i)}`);
    }
    const calls = fns.callCount[i] as number;
    const primitive = fns.primitiveCallCount[i] as number;
    if (!isCount(calls)) error(`function ${i}: call count ${calls} is not a count`);
    if (!isCount(primitive)) {
      error(`function ${i}: primitive call count ${primitive} is not a count`);
    }
    if (primitive > calls)
      warn(`function ${i} ${describe(profile, i)}: primitive calls ${primitive} > calls ${calls}`);
    const self = fns.selfTime[i] as number;
    const inclusive = fns.inclusiveTime[i] as number;
    if (self === Infinity || self === -Infinity) error(`function ${i}: self time is infinite`);
    if (inclusive === Infinity || inclusive === -Infinity)
      error(`function ${i}: inclusive time is infinite`);
    if (self < 0) warn(`function ${i} ${describe(profile, i)}: negative self time ${self}`);
    if (inclusive < 0)
      warn(`function ${i} ${describe(profile, i)}: negative inclusive time ${inclusive}`);
    if (!within(self, inclusive)) {
      warn(
        `function ${i} ${describe(profile, i)}: self time ${self} > inclusive time ${inclusive}`,
      );
    }
  }

  const calls = profile.calls;
  const m = calls.length;
  for (const [column, array] of Object.entries({
    caller: calls.caller,
    callee: calls.callee,
    callCount: calls.callCount,
    primitiveCallCount: calls.primitiveCallCount,
    selfTime: calls.selfTime,
    inclusiveTime: calls.inclusiveTime,
  })) {
    if (array.length !== m) columnError(`calls.${column} has ${array.length} rows, expected ${m}`);
  }
  if (brokenColumns) return result;
  const incoming = new Float64Array(n);
  const pairs = new DuplicateFinder(m);
  for (let e = 0; e < m; e++) {
    const caller = calls.caller[e] as number;
    const callee = calls.callee[e] as number;
    if (caller >= n || callee >= n) {
      error(`call ${e}: function index out of range (${caller} → ${callee})`);
      continue;
    }
    if (pairs.seen(caller, callee, 0)) error(`call ${e}: duplicate edge ${caller} → ${callee}`);
    const count = calls.callCount[e] as number;
    if (!isCount(count)) error(`call ${e}: call count ${count} is not a count`);
    const primitive = calls.primitiveCallCount[e] as number;
    if (!isCount(primitive)) error(`call ${e}: primitive call count ${primitive} is not a count`);
    if (primitive > count)
      warn(`call ${e} (${caller} → ${callee}): primitive calls ${primitive} > calls ${count}`);
    for (const [what, value] of [
      ['self', calls.selfTime[e] as number],
      ['inclusive', calls.inclusiveTime[e] as number],
    ] as const) {
      if (value === Infinity || value === -Infinity) error(`call ${e}: ${what} time is infinite`);
      if (value < 0) warn(`call ${e} (${caller} → ${callee}): negative ${what} time ${value}`);
    }
    incoming[callee] = (incoming[callee] as number) + count;
  }
  for (let i = 0; i < n; i++) {
    if ((incoming[i] as number) > (fns.callCount[i] as number)) {
      warn(
        `function ${i} ${describe(profile, i)}: callers record ${incoming[i]} calls, more than its ${fns.callCount[i]}`,
      );
    }
  }

  const timeline = profile.timeline;
  if (timeline) {
    let depth = 0;
    const stack: number[] = [];
    let last = -Infinity;
    for (let k = 0; k < timeline.length; k++) {
      const kind = timeline.kind[k];
      const fn = timeline.function[k] as number;
      const time = timeline.time[k] as number;
      if (fn >= n) error(`timeline event ${k}: function ${fn} out of range`);
      if (!(time >= last)) error(`timeline event ${k}: time ${time} before ${last}`);
      last = time;
      if (kind === TIMELINE_ENTER) {
        stack.push(fn);
        depth++;
      } else if (kind === TIMELINE_EXIT) {
        if (depth === 0 || stack.pop() !== fn)
          error(`timeline event ${k}: exit does not match the open frame`);
        depth = Math.max(0, depth - 1);
      } else error(`timeline event ${k}: unknown kind ${kind}`);
    }
    if (depth !== 0) error(`timeline ends with ${depth} open frames`);
  }

  const tree = profile.callTree;
  if (tree) {
    for (let k = 0; k < tree.length; k++) {
      const parent = tree.parent[k] as number;
      if (parent >= k || parent < -1)
        error(`call tree node ${k}: parent ${parent} does not precede it`);
      if ((tree.function[k] as number) >= n) error(`call tree node ${k}: function out of range`);
      const count = tree.callCount[k] as number;
      if (!isCount(count)) error(`call tree node ${k}: call count ${count} is not a count`);
    }
  }

  const lines = profile.lines;
  if (lines) {
    for (let k = 0; k < lines.length; k++) {
      if ((lines.function[k] as number) >= n) error(`line row ${k}: function out of range`);
      if (!isCount(lines.hits[k] as number))
        error(`line row ${k}: hits ${lines.hits[k]} is not a count`);
    }
  }
  const sites = profile.callSites;
  if (sites) {
    for (let k = 0; k < sites.length; k++) {
      if ((sites.call[k] as number) >= m) error(`call site ${k}: call out of range`);
      if (!isCount(sites.callCount[k] as number))
        error(`call site ${k}: call count is not a count`);
    }
  }
  return result;
}

/** Finds repeated integer triples with a typed open-addressing table (no string keys). */
class DuplicateFinder {
  readonly #slots: Int32Array;
  readonly #keys: Int32Array;
  #count = 0;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.#slots = new Int32Array(size).fill(-1);
    this.#keys = new Int32Array(Math.max(1, capacity) * 3);
  }

  /** True if (a, b, c) was seen before; records it otherwise. */
  seen(a: number, b: number, c: number): boolean {
    const slots = this.#slots;
    const keys = this.#keys;
    const mask = slots.length - 1;
    for (let i = hashInts(a, b, c) & mask; ; i = (i + 1) & mask) {
      const row = slots[i] as number;
      if (row < 0) {
        slots[i] = this.#count;
        keys[this.#count * 3] = a;
        keys[this.#count * 3 + 1] = b;
        keys[this.#count * 3 + 2] = c;
        this.#count++;
        return false;
      }
      if (
        keys[row * 3] === (a | 0) &&
        keys[row * 3 + 1] === (b | 0) &&
        keys[row * 3 + 2] === (c | 0)
      )
        return true;
    }
  }
}

function describe(profile: Profile, fn: number): string {
  const fns = profile.functions;
  return `${profile.strings[fns.file[fn] as number]}:${fns.line[fn]}(${profile.strings[fns.name[fn] as number]})`;
}

/** Throws an `INVALID_PROFILE` error listing the broken invariants, if any. */
export function assertValidProfile(profile: Profile): void {
  const { errors, errorCount } = validateProfile(profile);
  if (errorCount > 0) {
    throw new ProfileError(
      'INVALID_PROFILE',
      `invalid profile (${errorCount} problem${errorCount === 1 ? '' : 's'}): ${errors.slice(0, 5).join('; ')}`,
    );
  }
}
