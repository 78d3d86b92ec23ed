/**
 * Growable typed-array columns and an open-addressing index over integer tuples. They let
 * builders append millions of rows without per-row objects: the numbers live in typed
 * arrays, and lookups by (file, line, name) or (caller, callee) hash the integers instead
 * of building string keys.
 */

type TypedArray = Float64Array | Uint32Array | Int32Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = { new (length: number): T };

/**
 * `array`, or a copy at least twice as long, so that `index` is inside it: for typed arrays
 * indexed by row or slot numbers that arrive in no particular order.
 */
export function withIndex<T extends TypedArray | Uint16Array>(array: T, index: number): T {
  if (index < array.length) return array;
  const grown = new (array.constructor as new (length: number) => T)(
    Math.max(index + 1, array.length * 2),
  );
  grown.set(array as never);
  return grown;
}

/** An append-only typed-array column that doubles its capacity as needed. */
export class Column<T extends TypedArray> {
  #ctor: TypedArrayConstructor<T>;
  #data: T;
  length = 0;

  constructor(ctor: TypedArrayConstructor<T>, capacity = 16) {
    this.#ctor = ctor;
    this.#data = new ctor(Math.max(1, capacity));
  }

  /** The live backing array; valid indices are `0 .. length-1`. */
  get data(): T {
    return this.#data;
  }

  push(value: number): number {
    if (this.length === this.#data.length) this.#grow(this.length + 1);
    this.#data[this.length] = value;
    return this.length++;
  }

  get(index: number): number {
    return this.#data[index] as number;
  }

  set(index: number, value: number): void {
    this.#data[index] = value;
  }

  add(index: number, value: number): void {
    (this.#data[index] as number) += value;
  }

  /** Drops the last `count` rows. */
  pop(count = 1): void {
    this.length = Math.max(0, this.length - count);
  }

  /** Makes room for `capacity` rows in total without further growth. */
  reserve(capacity: number): void {
    if (capacity <= this.#data.length) return;
    const next = new this.#ctor(capacity);
    next.set(this.#data.subarray(0, this.length) as never);
    this.#data = next;
  }

  #grow(min: number): void {
    // 1.5×: at most a third of the capacity is unused, and growing needs 2.5× transiently.
    let capacity = Math.ceil(this.#data.length * 1.5) + 8;
    while (capacity < min) capacity = Math.ceil(capacity * 1.5);
    const next = new this.#ctor(capacity);
    next.set(this.#data as never);
    this.#data = next;
  }

  /**
   * The first `length` rows. A view, not a copy: copying would need the column twice at
   * the moment of peak memory, while the view wastes at most the unused third.
   */
  finish(): T {
    return this.#data.subarray(0, this.length) as T;
  }
}

export const float64Column = (capacity?: number) => new Column(Float64Array, capacity);
export const uint32Column = (capacity?: number) => new Column(Uint32Array, capacity);
export const int32Column = (capacity?: number) => new Column(Int32Array, capacity);
export const uint8Column = (capacity?: number) => new Column(Uint8Array, capacity);

function mix(h: number, v: number): number {
  h = Math.imul(h ^ (v | 0), 0x9e3779b1);
  return (h << 13) | (h >>> 19);
}

/** A 32-bit hash of up to three 32-bit integers. */
export function hashInts(a: number, b: number, c = 0): number {
  let h = mix(mix(mix(0x811c9dc5, a), b), c);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * An open-addressing index from tuples of integers, stored in the caller's own columns,
 * to row numbers. It keeps only row numbers (4–8 bytes per row) and hashes integers
 * instead of building string keys.
 */
abstract class RowIndex {
  #slots: Int32Array;
  /** Rows recorded. */
  protected count = 0;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.#slots = new Int32Array(size).fill(-1);
  }

  protected abstract hashOfRow(row: number): number;

  protected get slots(): Int32Array {
    return this.#slots;
  }

  /** Records `row` (the caller made sure its tuple is not present yet). */
  insert(row: number): void {
    this.makeRoom();
    const slots = this.#slots;
    const mask = slots.length - 1;
    let i = this.hashOfRow(row) & mask;
    while ((slots[i] as number) >= 0) i = (i + 1) & mask;
    slots[i] = row;
    this.count++;
  }

  /** Grows the table, if needed, so that one more row keeps it at most half full. */
  protected makeRoom(): void {
    if ((this.count + 1) * 2 > this.#slots.length) this.#rehash();
  }

  #rehash(): void {
    const old = this.#slots;
    const slots = new Int32Array(old.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let k = 0; k < old.length; k++) {
      const row = old[k] as number;
      if (row < 0) continue;
      let i = this.hashOfRow(row) & mask;
      while ((slots[i] as number) >= 0) i = (i + 1) & mask;
      slots[i] = row;
    }
    this.#slots = slots;
  }
}

/** Index over two uint32 columns (e.g. caller, callee). */
export class PairIndex extends RowIndex {
  readonly #a: Column<Uint32Array>;
  readonly #b: Column<Uint32Array>;

  constructor(a: Column<Uint32Array>, b: Column<Uint32Array>, capacity = 16) {
    super(capacity);
    this.#a = a;
    this.#b = b;
  }

  protected hashOfRow(row: number): number {
    return hashInts(this.#a.get(row), this.#b.get(row));
  }

  /** The row holding (a, b), or -1. */
  find(a: number, b: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const ca = this.#a.data;
    const cb = this.#b.data;
    for (let i = hashInts(a, b) & mask; ; i = (i + 1) & mask) {
      const row = slots[i] as number;
      if (row < 0) return -1;
      if (ca[row] === a && cb[row] === b) return row;
    }
  }
}

/** Index over three columns (e.g. file, line, name). */
export class TripleIndex extends RowIndex {
  readonly #a: Column<Uint32Array>;
  readonly #b: Column<Int32Array>;
  readonly #c: Column<Uint32Array>;

  constructor(
    a: Column<Uint32Array>,
    b: Column<Int32Array>,
    c: Column<Uint32Array>,
    capacity = 16,
  ) {
    super(capacity);
    this.#a = a;
    this.#b = b;
    this.#c = c;
  }

  protected hashOfRow(row: number): number {
    return hashInts(this.#a.get(row), this.#b.get(row), this.#c.get(row));
  }

  /** The row holding (a, b, c), or -1. */
  find(a: number, b: number, c: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const ca = this.#a.data;
    const cb = this.#b.data;
    const cc = this.#c.data;
    for (let i = hashInts(a, b, c) & mask; ; i = (i + 1) & mask) {
      const row = slots[i] as number;
      if (row < 0) return -1;
      if (ca[row] === a && cb[row] === b && cc[row] === c) return row;
    }
  }
}

/**
 * Index over integer keys below 2^53 held in a Float64Array (one key per row), e.g. the
 * naming service's identity key of each function.
 */
export class KeyIndex extends RowIndex {
  readonly #keys: Float64Array;

  constructor(keys: Float64Array, capacity = 16) {
    super(capacity);
    this.#keys = keys;
  }

  protected hashOfRow(row: number): number {
    return hashKey(this.#keys[row] as number);
  }

  /**
   * The row already holding `row`'s key, or -1 having recorded `row`: a find and an insert
   * in one probe, for a pass that meets every row once.
   */
  claim(row: number): number {
    this.makeRoom();
    const slots = this.slots;
    const mask = slots.length - 1;
    const keys = this.#keys;
    const key = keys[row] as number;
    let i = hashKey(key) & mask;
    for (; ; i = (i + 1) & mask) {
      const other = slots[i] as number;
      if (other < 0) break;
      if (keys[other] === key) return other;
    }
    slots[i] = row;
    this.count++;
    return -1;
  }
}

function hashKey(key: number): number {
  return hashInts(key >>> 0, (key / 4294967296) >>> 0);
}
