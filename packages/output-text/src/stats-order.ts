/**
 * The order in which `pstats.Stats` iterates its stats dict, and the `total_tt` it sums in
 * that order — what decides the rows of an unsorted report, the order of rows whose sort
 * keys tie (`sort_stats` is a stable sort over the dict's order) and the last digit of the
 * summary line.
 *
 * Python 3 dicts keep insertion order: a dump's stats dict iterates in the file's order,
 * which is the profile's function order. Python 2.7 dicts iterate by hash slot
 * (python2-dict.ts): `marshal.load` builds the dict by inserting the file's keys in file
 * order, so the model inserts the profile's functions in function order, each key hashed
 * as 2.7 hashes the tuple `(file, line, name)` of byte strings and an int.
 *
 * Several inputs are `pstats.Stats(a, b, c)`: the dict is a's, then `add` inserts the keys
 * of c's dict, then of b's (arguments in reverse), each iterated in its own order; keys
 * already present keep their place. `total_tt` is each file's own sum (in its dict order)
 * added up in that same order. (The profile's merged whole lists functions in that
 * insertion order, which is Python 3's dict order of the merged stats.)
 *
 * The one key no file can place: the `profile` module's `('profile', 0, <code object>)`.
 * Python 2.7 hashes a code object through its constants, which hold `None`, whose hash is
 * its address in the printing process (ASLR: new on every run). Its hash is taken from
 * `process.codeKeyHash` when the caller knows it, else from a fixed stand-in: the tuple
 * hash of `('profile', 0, <its label>)` (decision 0007).
 */
import type { Profile } from '@pyprof/core';
import type { PythonMajor } from './python-format.js';
import { Python2Dict } from './python2-dict.js';
import { type Hash64, hashFromBigInt, intHash, textBytesHash, tupleHash } from './python2-hash.js';

/** What a `profile`-module code-object key holds, to look its hash up by. */
export interface CodeObjectKey {
  readonly file: string;
  readonly line: number;
  readonly name: string;
}

/**
 * What the Python process that printed decided and no input file holds, for a caller who
 * knows it (tests replaying a real run); each is undefined when unknown.
 */
export interface PrintingProcess {
  /**
   * Python 2.7's `hash()` of the stats key `('profile', 0, code)` of the `profile`
   * module's code-object key: where it sits in Python 2's dict (else a stand-in is used).
   */
  readonly codeKeyHash?: (code: CodeObjectKey) => bigint | undefined;
  /**
   * `id()` of that key's code object: the address its repr prints, which also orders two
   * such keys under `--sort stdname` (else a fixed placeholder is printed).
   */
  readonly codeKeyAddress?: (code: CodeObjectKey) => bigint | undefined;
}

export interface StatsOrder {
  /** Function indices in the order pstats iterates the stats dict. */
  readonly order: Uint32Array;
  /** pstats' `total_tt`: self times summed per input in its dict order, then added up. */
  readonly totalSelfTime: number;
}

/** Python 2.7's hash of the stats key `(file, line, name)`: byte strings and an int. */
export function statsKeyTupleHash(file: string, line: number, name: string): Hash64 {
  return tupleHash([textBytesHash(file), intHash(line), textBytesHash(name)]);
}

/**
 * Hashes the stats keys of one profile. File names repeat across functions, so each
 * interned string is hashed once, ASCII ones without the UTF-8 encoder (the 100k-function
 * benchmark dump: the whole Python 2 order in about 1.2 s hashing every key from
 * `encodeText`'s bytes, about 0.25 s like this; decision 0007).
 */
class KeyHasher {
  readonly #profile: Profile;
  readonly #process: PrintingProcess;
  /** Per interned string: its hash, once computed (`#known`). */
  readonly #high: Uint32Array;
  readonly #low: Uint32Array;
  readonly #known: Uint8Array;

  constructor(profile: Profile, process: PrintingProcess) {
    this.#profile = profile;
    this.#process = process;
    this.#high = new Uint32Array(profile.strings.length);
    this.#low = new Uint32Array(profile.strings.length);
    this.#known = new Uint8Array(profile.strings.length);
  }

  #string(index: number): Hash64 {
    if (!this.#known[index]) {
      const hash = textBytesHash(this.#profile.strings[index] as string);
      this.#high[index] = hash.hi;
      this.#low[index] = hash.lo;
      this.#known[index] = 1;
    }
    return { hi: this.#high[index] as number, lo: this.#low[index] as number };
  }

  hash(fn: number): Hash64 {
    const fns = this.#profile.functions;
    const code = fns.details.get(fn)?.codeObject;
    if (code) {
      const known = this.#process.codeKeyHash?.(code);
      if (known !== undefined) return hashFromBigInt(known);
    }
    return tupleHash([
      this.#string(fns.file[fn] as number),
      intHash(fns.line[fn] as number),
      this.#string(fns.name[fn] as number),
    ]);
  }
}

/** Python 2.7's hash of a function's stats key (see the file comment for code objects). */
export function statsKeyHash(profile: Profile, fn: number, process: PrintingProcess = {}): Hash64 {
  return new KeyHasher(profile, process).hash(fn);
}

/** The stats dict of one input as Python 2.7 builds it: its keys inserted in function order. */
export function python2StatsDict(profile: Profile, process: PrintingProcess = {}): Python2Dict {
  const hasher = new KeyHasher(profile, process);
  const dict = new Python2Dict();
  for (let fn = 0; fn < profile.functions.length; fn++) dict.set(fn, hasher.hash(fn));
  return dict;
}

function identity(profile: Profile, fn: number): string {
  const fns = profile.functions;
  return `${profile.strings[fns.file[fn] as number]}\u0000${fns.line[fn]}\u0000${profile.strings[fns.name[fn] as number]}`;
}

/** `total_tt` of one input: its self times summed in `order` (absent ones skipped). */
function selfTimeSum(profile: Profile, order: ArrayLike<number>): number {
  let total = 0;
  const self = profile.functions.selfTime;
  for (let k = 0; k < order.length; k++) {
    const value = self[order[k] as number] as number;
    if (!Number.isNaN(value)) total += value;
  }
  return total;
}

function identityOrder(count: number): Uint32Array {
  return Uint32Array.from({ length: count }, (_, fn) => fn);
}

/**
 * pstats' iteration order and `total_tt` for `whole`, the merge of `parts` as
 * `pstats.Stats(parts[0], parts[1], …)` merges them (a single part is the whole).
 */
export function statsOrder(
  whole: Profile,
  parts: readonly Profile[],
  python: PythonMajor,
  process: PrintingProcess = {},
): StatsOrder {
  const single = parts.length <= 1;
  const inputs = single ? [whole] : parts;
  const orderOf = (profile: Profile): Uint32Array =>
    python === 2
      ? Uint32Array.from(python2StatsDict(profile, process).keys())
      : identityOrder(profile.functions.length);
  const partOrders = inputs.map(orderOf);
  // pstats.Stats(a, b, c) = a, then add(c), then add(b).
  const addOrder = single
    ? [0]
    : [0, ...Array.from({ length: inputs.length - 1 }, (_, k) => inputs.length - 1 - k)];
  let totalSelfTime = 0;
  for (const k of addOrder)
    totalSelfTime += selfTimeSum(inputs[k] as Profile, partOrders[k] as Uint32Array);
  if (single) return { order: partOrders[0] as Uint32Array, totalSelfTime };
  if (python === 3) return { order: identityOrder(whole.functions.length), totalSelfTime };

  const wholeRow = new Map<string, number>();
  for (let fn = 0; fn < whole.functions.length; fn++) wholeRow.set(identity(whole, fn), fn);
  const hasher = new KeyHasher(whole, process);
  const dict = new Python2Dict();
  const hashes = new Map<number, Hash64>();
  for (const k of addOrder) {
    const part = inputs[k] as Profile;
    // The first input's dict is loaded (inserted in its file order); the others are added
    // by iterating their own dicts.
    const sequence =
      k === 0 ? identityOrder(part.functions.length) : (partOrders[k] as Uint32Array);
    for (const fn of sequence) {
      const row = wholeRow.get(identity(part, fn));
      if (row === undefined) continue;
      let hash = hashes.get(row);
      if (hash === undefined) {
        hash = hasher.hash(row);
        hashes.set(row, hash);
      }
      dict.set(row, hash);
    }
  }
  // Rows the parts do not name (none when whole is their merge) follow in their order.
  const order = dict.keys();
  if (order.length < whole.functions.length) {
    const placed = new Uint8Array(whole.functions.length);
    for (const fn of order) placed[fn] = 1;
    for (let fn = 0; fn < whole.functions.length; fn++) if (!placed[fn]) order.push(fn);
  }
  return { order: Uint32Array.from(order), totalSelfTime };
}

/**
 * Python 2.7's iteration order of a dict whose keys are the functions `fns` inserted in
 * that order (e.g. one function's callers dict, or pstats' `top_level`).
 */
export function python2Order(
  profile: Profile,
  fns: readonly number[],
  process: PrintingProcess = {},
): number[] {
  const hasher = new KeyHasher(profile, process);
  const dict = new Python2Dict();
  for (const fn of fns) dict.set(fn, hasher.hash(fn));
  return dict.keys();
}
