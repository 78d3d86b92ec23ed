/**
 * Rows keyed by a pair of unsigned 32-bit integers, with named float64 columns that start
 * at zero — the shape of every table the replay keeps (call edges by caller and callee,
 * line costs by function and line, call sites by edge and line, call-tree nodes by parent
 * and function, functions by file number and first line). Columns are typed arrays and
 * the index hashes the two integers, so a table of millions of rows has no per-row objects.
 */
import { type Column, float64Column, PairIndex, uint32Column } from '@pyprof/core';

export class PairTable<Name extends string> {
  readonly first = uint32Column();
  readonly second = uint32Column();
  readonly columns: { readonly [name in Name]: Column<Float64Array> };
  readonly #all: Column<Float64Array>[];
  readonly #index = new PairIndex(this.first, this.second);

  constructor(names: readonly Name[]) {
    const columns = {} as { [name in Name]: Column<Float64Array> };
    for (const name of names) columns[name] = float64Column();
    this.columns = columns;
    this.#all = Object.values(columns);
  }

  get length(): number {
    return this.first.length;
  }

  /** The row of (a, b), or -1. */
  find(a: number, b: number): number {
    return this.#index.find(a, b);
  }

  /** Adds the row (a, b), which must not exist yet, with zeros. */
  add(a: number, b: number): number {
    const row = this.first.push(a);
    this.second.push(b);
    for (const column of this.#all) column.push(0);
    this.#index.insert(row);
    return row;
  }

  /** The row of (a, b), added with zeros if new. */
  row(a: number, b: number): number {
    const row = this.#index.find(a, b);
    return row >= 0 ? row : this.add(a, b);
  }
}
