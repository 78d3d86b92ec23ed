/**
 * Growable typed-array columns and an open-addressing index over integer tuples. They let
 * builders append millions of rows without per-row objects: the numbers live in typed
 * arrays, and lookups by (file, line, name) or (caller, callee) hash the integers instead
 * of building string keys.
 */

type TypedArray = Float64Array | Uint32Array | Int32Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = { new (length: number): T };

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

  #grow(min: number): void {
    let capacity = this.#data.length * 2;
    while (capacity < min) capacity *= 2;
    const next = new this.#ctor(capacity);
    next.set(this.#data as never);
    this.#data = next;
  }

  /** A compact copy holding exactly `length` rows. */
  finish(): T {
    return this.#data.slice(0, this.length) as T;
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

/**
 * Maps tuples of 32-bit integers (stored by the caller in its own columns) to row
 * indices. `equals(row)` compares the probe tuple with a stored row; the index itself
 * only keeps row numbers, so it costs 4–8 bytes per row.
 */
export class TupleIndex {
  #slots: Int32Array;
  #count = 0;
  #hashOfRow: (row: number) => number;

  constructor(hashOfRow: (row: number) => number, capacity = 16) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.#slots = new Int32Array(size).fill(-1);
    this.#hashOfRow = hashOfRow;
  }

  static hash(a: number, b: number, c = 0): number {
    let h = mix(mix(mix(0x811c9dc5, a), b), c);
    h ^= h >>> 16;
    return h >>> 0;
  }

  /** The row whose tuple hashes to `hash` and satisfies `equals`, or -1. */
  find(hash: number, equals: (row: number) => boolean): number {
    const mask = this.#slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const row = this.#slots[i] as number;
      if (row < 0) return -1;
      if (equals(row)) return row;
    }
  }

  /** Records `row` under `hash` (the caller made sure it is not present yet). */
  insert(hash: number, row: number): void {
    if ((this.#count + 1) * 2 > this.#slots.length) this.#rehash();
    const mask = this.#slots.length - 1;
    let i = hash & mask;
    while ((this.#slots[i] as number) >= 0) i = (i + 1) & mask;
    this.#slots[i] = row;
    this.#count++;
  }

  #rehash(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(old.length * 2).fill(-1);
    const mask = this.#slots.length - 1;
    for (let k = 0; k < old.length; k++) {
      const row = old[k] as number;
      if (row < 0) continue;
      let i = this.#hashOfRow(row) & mask;
      while ((this.#slots[i] as number) >= 0) i = (i + 1) & mask;
      this.#slots[i] = row;
    }
  }
}
