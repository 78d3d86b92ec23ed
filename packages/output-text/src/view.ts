/**
 * What both text styles need to know about a profile, computed once: each function's
 * pstats name (`func_std_string`), its callers and callees as compact adjacency lists, and
 * the order ranks Python's comparisons would give its strings. pstats keys are compared
 * as Python compares them — code points in Python 3, bytes in Python 2 — and a
 * `profile`-module code-object key is compared by its label (Python 3 would raise
 * TypeError comparing a code object with a string; Python 2 orders it by type name, before
 * every string, which the Python 2 ranks reproduce). The pstats style also gives the view
 * the order pstats iterates its stats dict in and the `total_tt` it sums (stats-order.ts);
 * the table keeps the profile's function order.
 */
import {
  decodeText,
  encodeText,
  functionFile,
  functionName,
  type Profile,
  totalSelfTime,
} from '@pyprof/core';
import { type PythonMajor, pythonCompare } from './python-format.js';
import type { PrintingProcess } from './stats-order.js';

/**
 * The address pstats prints in a code object's repr is where the printing process put the
 * object; the file does not store it. A fixed value of the usual width keeps columns aligned.
 */
export const CODE_ADDRESS_PLACEHOLDER = '0x7f0000000000';

/** Caller or callee lists: the edges of function `fn` are `edges[start[fn]] … edges[start[fn + 1] - 1]`. */
export interface Adjacency {
  readonly start: Uint32Array;
  /** Edge rows (indices into `profile.calls`), in edge order within each function. */
  readonly edges: Uint32Array;
}

function truncateBytes(text: string, limit: number): string {
  const bytes = encodeText(text);
  return bytes.length <= limit ? text : decodeText(bytes.subarray(0, limit));
}

/**
 * `str(code)`: `<code object NAME at ADDR, file "FILE", line N>` (Python 2 cuts NAME and
 * FILE); ADDR is the placeholder unless the object's address is known.
 */
export function codeObjectRepr(
  code: { file: string; line: number; name: string },
  python: PythonMajor,
  address?: bigint,
): string {
  const name = python === 2 ? truncateBytes(code.name, 100) : code.name;
  const file = python === 2 ? truncateBytes(code.file, 300) : code.file;
  const line = code.line === 0 ? -1 : code.line;
  const at = address === undefined ? CODE_ADDRESS_PLACEHOLDER : `0x${address.toString(16)}`;
  return `<code object ${name} at ${at}, file "${file}", line ${line}>`;
}

/** pstats' `func_std_string`: `{built-in …}` for `('~', 0, '<…>')`, else `file:line(name)`. */
export function standardName(
  profile: Profile,
  fn: number,
  python: PythonMajor,
  process: PrintingProcess = {},
): string {
  const file = functionFile(profile, fn);
  const line = profile.functions.line[fn] as number;
  const name = functionName(profile, fn);
  if (file === '~' && line === 0) {
    return name.startsWith('<') && name.endsWith('>') ? `{${name.slice(1, -1)}}` : name;
  }
  const code = profile.functions.details.get(fn)?.codeObject;
  if (!code) return `${file}:${line}(${name})`;
  return `${file}:${line}(${codeObjectRepr(code, python, process.codeKeyAddress?.(code))})`;
}

function adjacency(count: number, owner: Uint32Array): Adjacency {
  const start = new Uint32Array(count + 1);
  for (let e = 0; e < owner.length; e++) (start[(owner[e] as number) + 1] as number)++;
  for (let fn = 0; fn < count; fn++)
    start[fn + 1] = (start[fn + 1] as number) + (start[fn] as number);
  const fill = start.slice(0, count);
  const edges = new Uint32Array(owner.length);
  for (let e = 0; e < owner.length; e++) {
    const fn = owner[e] as number;
    edges[fill[fn] as number] = e;
    fill[fn] = (fill[fn] as number) + 1;
  }
  return { start, edges };
}

/** Ranks of `values` under `compare` (equal values share a rank). */
function ranks(values: readonly string[], compare: (a: string, b: string) => number): Int32Array {
  const distinct = [...new Set(values)].sort(compare);
  const rankOf = new Map<string, number>();
  distinct.forEach((value, rank) => {
    rankOf.set(value, rank);
  });
  return Int32Array.from(values, (value) => rankOf.get(value) as number);
}

export interface ViewOptions {
  /** Function indices in the stats dict's iteration order (default: function order). */
  readonly order?: Uint32Array;
  /** pstats' `total_tt` (default: self times summed in function order). */
  readonly totalSelfTime?: number;
  /** Facts of the printing process (code-object hashes and addresses), when known. */
  readonly process?: PrintingProcess;
}

export class ReportView {
  readonly profile: Profile;
  readonly python: PythonMajor;
  readonly compare: (a: string, b: string) => number;
  /** `func_std_string` of every function. */
  readonly standardNames: string[];
  /** pstats' `total_tt` (absent values skipped). */
  readonly totalSelfTime: number;
  /** Function indices in the order pstats iterates the stats dict; ties of a sort keep it. */
  readonly order: Uint32Array;
  readonly process: PrintingProcess;
  #callers: Adjacency | undefined;
  #callees: Adjacency | undefined;
  #fileRanks: Int32Array | undefined;
  #nameRanks: Int32Array | undefined;
  #standardNameRanks: Int32Array | undefined;
  #keyRanks: Int32Array | undefined;

  constructor(profile: Profile, python: PythonMajor, options: ViewOptions = {}) {
    this.profile = profile;
    this.python = python;
    this.compare = pythonCompare(python);
    const n = profile.functions.length;
    this.process = options.process ?? {};
    this.standardNames = new Array(n);
    for (let fn = 0; fn < n; fn++)
      this.standardNames[fn] = standardName(profile, fn, python, this.process);
    this.totalSelfTime = options.totalSelfTime ?? totalSelfTime(profile);
    this.order = options.order ?? Uint32Array.from({ length: n }, (_, fn) => fn);
  }

  get functionCount(): number {
    return this.profile.functions.length;
  }

  /** Incoming edges per function (its callers), in edge order = the callers dict's order. */
  get callers(): Adjacency {
    this.#callers ??= adjacency(this.functionCount, this.profile.calls.callee);
    return this.#callers;
  }

  /** Outgoing edges per function (its callees). */
  get callees(): Adjacency {
    this.#callees ??= adjacency(this.functionCount, this.profile.calls.caller);
    return this.#callees;
  }

  get fileRanks(): Int32Array {
    this.#fileRanks ??= ranks(
      Array.from({ length: this.functionCount }, (_, fn) => functionFile(this.profile, fn)),
      this.compare,
    );
    return this.#fileRanks;
  }

  /**
   * Function-name ranks. A code-object name is compared by its label in Python 3 (which
   * would raise TypeError); Python 2 puts code objects before every string (by type name)
   * and compares two of them by `code_compare`: co_name, then (argcount, nlocals, flags:
   * equal for the module code these keys hold) co_firstlineno, then bytecode, which the
   * file does not keep (such ties stay in dict order).
   */
  get nameRanks(): Int32Array {
    if (!this.#nameRanks) {
      const details = this.profile.functions.details;
      // U+0000 / U+0001 prefixes put Python 2's code objects first without touching the order of the rest.
      const keyed = Array.from({ length: this.functionCount }, (_, fn) => {
        const name = functionName(this.profile, fn);
        if (this.python === 3) return name;
        const code = details.get(fn)?.codeObject;
        if (!code) return `\u0001${name}`;
        return `\u0000${code.name}\u0000${String(code.line + 2 ** 31).padStart(10, '0')}`;
      });
      this.#nameRanks = ranks(keyed, this.compare);
    }
    return this.#nameRanks;
  }

  get standardNameRanks(): Int32Array {
    this.#standardNameRanks ??= ranks(this.standardNames, this.compare);
    return this.#standardNameRanks;
  }

  /** Ranks of the raw key tuples (file, line, name): the order of `sorted(callers)`. */
  get keyRanks(): Int32Array {
    if (!this.#keyRanks) {
      const files = this.fileRanks;
      const names = this.nameRanks;
      const lines = this.profile.functions.line;
      const order = Array.from({ length: this.functionCount }, (_, fn) => fn).sort(
        (a, b) =>
          (files[a] as number) - (files[b] as number) ||
          (lines[a] as number) - (lines[b] as number) ||
          (names[a] as number) - (names[b] as number) ||
          a - b,
      );
      const keyRanks = new Int32Array(this.functionCount);
      order.forEach((fn, rank) => {
        keyRanks[fn] = rank;
      });
      this.#keyRanks = keyRanks;
    }
    return this.#keyRanks;
  }

  /** The edges of `fn` in `lists`, ordered by the other end's key (as pstats lists them). */
  sortedEdges(lists: Adjacency, fn: number, otherEnd: Uint32Array): number[] {
    const edges = Array.from(lists.edges.subarray(lists.start[fn], lists.start[fn + 1]));
    const keys = this.keyRanks;
    return edges.sort(
      (a, b) =>
        (keys[otherEnd[a] as number] as number) - (keys[otherEnd[b] as number] as number) || a - b,
    );
  }
}
