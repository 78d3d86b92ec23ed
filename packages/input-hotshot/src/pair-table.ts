/**
 * Rows keyed by a pair of unsigned 32-bit integers, each row holding `stride` float64
 * numbers side by side in one array — the shape of every table the replay keeps (function
 * keys by file number and first line, call edges by caller and callee, line costs by
 * function and line, call sites by edge and line, call-tree nodes by parent and
 * function). The keys live in typed-array columns and an open-addressing index hashes
 * them, so millions of rows make no per-row objects; a small direct-mapped cache in front
 * of the index answers the lookups a log repeats all the time (the same few functions,
 * edges and lines) without hashing.
 */
import { PairIndex, uint32Column } from '@pyprof/core';

/** Slots of the direct-mapped cache (a power of two). */
const CACHE = 4096;

/** `numbers` with room for `rows` rows of `stride` numbers (the same array if it has). */
export function withRows(numbers: Float64Array, rows: number, stride: number): Float64Array {
  if (rows * stride <= numbers.length) return numbers;
  const grown = new Float64Array(Math.max(rows, (numbers.length / stride) * 2) * stride);
  grown.set(numbers);
  return grown;
}

export class PairTable {
  readonly first = uint32Column();
  readonly second = uint32Column();
  readonly stride: number;
  /** Row r's numbers are `values[r * stride]` … `values[r * stride + stride - 1]`. */
  values: Float64Array;
  readonly #index = new PairIndex(this.first, this.second);
  readonly #cacheFirst = new Int32Array(CACHE);
  readonly #cacheSecond = new Int32Array(CACHE);
  /** Row + 1 of the remembered key; 0 for an empty slot. */
  readonly #cacheRow = new Int32Array(CACHE);

  constructor(stride: number) {
    this.stride = stride;
    this.values = new Float64Array(64 * stride);
  }

  get length(): number {
    return this.first.length;
  }

  /** The row of (a, b), or -1. */
  find(a: number, b: number): number {
    const slot = (Math.imul(a, 0x9e3779b1) ^ b) & (CACHE - 1);
    const cached = this.#cacheRow[slot] as number;
    if (cached !== 0 && this.#cacheFirst[slot] === (a | 0) && this.#cacheSecond[slot] === (b | 0))
      return cached - 1;
    const row = this.#index.find(a, b);
    if (row >= 0) this.#remember(slot, a, b, row);
    return row;
  }

  /** Adds the row (a, b), which must not exist yet, with zeros. */
  add(a: number, b: number): number {
    const row = this.first.push(a);
    this.second.push(b);
    this.values = withRows(this.values, row + 1, this.stride);
    this.#index.insert(row);
    this.#remember((Math.imul(a, 0x9e3779b1) ^ b) & (CACHE - 1), a, b, row);
    return row;
  }

  /** The row of (a, b), added with zeros if new. */
  row(a: number, b: number): number {
    const row = this.find(a, b);
    return row >= 0 ? row : this.add(a, b);
  }

  /** Number `k` of every row, as its own array. */
  column(k: number): Float64Array {
    const out = new Float64Array(this.length);
    for (let row = 0; row < out.length; row++)
      out[row] = this.values[row * this.stride + k] as number;
    return out;
  }

  #remember(slot: number, a: number, b: number, row: number): void {
    this.#cacheFirst[slot] = a;
    this.#cacheSecond[slot] = b;
    this.#cacheRow[slot] = row + 1;
  }
}
