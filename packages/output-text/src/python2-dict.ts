/**
 * CPython 2.7's dict (Objects/dictobject.c), reduced to what decides its iteration order:
 * which slot of the open-addressing table each key lands in. Python 2 lists a dict's keys
 * by slot, so `pstats` there prints rows whose sort keys tie, and every unsorted report,
 * in this order; reproducing it is reproducing the table.
 *
 * - A new dict has 8 slots (`PyDict_MINSIZE`).
 * - Lookup (`lookdict`): slot `i = hash & mask`; while the slot holds another key,
 *   `i = 5·i + perturb + 1` (on the unmasked `size_t` i) and `perturb >>= 5`, starting
 *   from `perturb = hash` (unsigned 64 bits). A new key takes the first deleted ("dummy")
 *   slot met on the way, else the empty slot that ended the probe.
 * - Insert (`PyDict_SetItem`): an existing key keeps its slot (only the value changes).
 *   A new key in an empty slot raises `fill` (slots ever used), in a dummy slot it does
 *   not; `used` counts live keys. After adding a key, if `fill·3 ≥ 2·(mask+1)`, the table
 *   is rebuilt (`dictresize`) for `4·used` keys (`2·used` past 50,000): the smallest power
 *   of two above that, at least 8; live keys are re-inserted in old slot order into empty
 *   slots (`insertdict_clean`, the same probe), dummies dropped, `fill = used`.
 * - Delete (`PyDict_DelItem`): the slot becomes a dummy; `used` drops, `fill` does not;
 *   no resize.
 *
 * Keys are identified by a caller-chosen id (equal Python keys must share one: `1`, `1L`
 * and `1.0` are one key); the hash decides the slots. Checked against Python 2.7 by the
 * property test over the committed table in test/fixtures/python2 (decision 0007).
 */
import type { Hash64 } from './python2-hash.js';

const MINIMUM_SIZE = 8;
const EMPTY = -1;
const DUMMY = -2;

export class Python2Dict {
  /** Per slot: the key's id, `EMPTY` or `DUMMY`. */
  #ids: Int32Array = new Int32Array(MINIMUM_SIZE).fill(EMPTY);
  #hashHigh: Uint32Array = new Uint32Array(MINIMUM_SIZE);
  #hashLow: Uint32Array = new Uint32Array(MINIMUM_SIZE);
  #mask = MINIMUM_SIZE - 1;
  /** Slots holding a key or a dummy. */
  #fill = 0;
  /** Live keys. */
  #used = 0;

  /** A dict holding `ids` inserted in this order (`hashes[k]` is the hash of `ids[k]`). */
  static of(ids: ArrayLike<number>, hashes: ArrayLike<Hash64>): Python2Dict {
    const dict = new Python2Dict();
    for (let k = 0; k < ids.length; k++) dict.set(ids[k] as number, hashes[k] as Hash64);
    return dict;
  }

  get size(): number {
    return this.#used;
  }

  /** The table size (`ma_mask + 1`). */
  get capacity(): number {
    return this.#mask + 1;
  }

  /** `lookdict`: the slot holding `id`, else where it would go. */
  #lookup(id: number, hash: Hash64): number {
    const ids = this.#ids;
    const mask = this.#mask;
    let i = hash.lo & mask;
    let slot = i;
    let key = ids[slot] as number;
    if (key === EMPTY || key === id) return slot;
    let free = key === DUMMY ? slot : -1;
    let perturbHigh = hash.hi;
    let perturbLow = hash.lo;
    for (;;) {
      // Only the low bits of the size_t i reach the mask, so i is kept modulo 2^32.
      i = (i * 5 + perturbLow + 1) >>> 0;
      slot = i & mask;
      key = ids[slot] as number;
      if (key === EMPTY) return free >= 0 ? free : slot;
      if (key === id) return slot;
      if (key === DUMMY && free < 0) free = slot;
      perturbLow = ((perturbLow >>> 5) | ((perturbHigh & 31) << 27)) >>> 0;
      perturbHigh >>>= 5;
    }
  }

  has(id: number, hash: Hash64): boolean {
    return this.#ids[this.#lookup(id, hash)] === id;
  }

  /** `d[key] = value`: a new key takes a slot (and may resize the table); an old one stays. */
  set(id: number, hash: Hash64): void {
    if (id < 0) throw new RangeError(`key ids are ≥ 0, got ${id}`);
    const slot = this.#lookup(id, hash);
    const ids = this.#ids;
    const old = ids[slot] as number;
    if (old === id) return;
    if (old === EMPTY) this.#fill++;
    ids[slot] = id;
    this.#hashHigh[slot] = hash.hi;
    this.#hashLow[slot] = hash.lo;
    this.#used++;
    if (this.#fill * 3 >= (this.#mask + 1) * 2)
      this.#resize((this.#used > 50000 ? 2 : 4) * this.#used);
  }

  /** `del d[key]`: true if it was there. */
  delete(id: number, hash: Hash64): boolean {
    const slot = this.#lookup(id, hash);
    if (this.#ids[slot] !== id) return false;
    this.#ids[slot] = DUMMY;
    this.#used--;
    return true;
  }

  /** `dictresize(minused)`. */
  #resize(minimumUsed: number): void {
    let size = MINIMUM_SIZE;
    while (size <= minimumUsed) size *= 2;
    const oldIds = this.#ids;
    const oldHigh = this.#hashHigh;
    const oldLow = this.#hashLow;
    const ids = new Int32Array(size).fill(EMPTY);
    const high = new Uint32Array(size);
    const low = new Uint32Array(size);
    const mask = size - 1;
    for (let old = 0; old < oldIds.length; old++) {
      const id = oldIds[old] as number;
      if (id < 0) continue;
      const hashHigh = oldHigh[old] as number;
      const hashLow = oldLow[old] as number;
      // insertdict_clean: the first empty slot of the probe.
      let i = hashLow & mask;
      let slot = i;
      let perturbHigh = hashHigh;
      let perturbLow = hashLow;
      while (ids[slot] !== EMPTY) {
        i = (i * 5 + perturbLow + 1) >>> 0;
        slot = i & mask;
        perturbLow = ((perturbLow >>> 5) | ((perturbHigh & 31) << 27)) >>> 0;
        perturbHigh >>>= 5;
      }
      ids[slot] = id;
      high[slot] = hashHigh;
      low[slot] = hashLow;
    }
    this.#ids = ids;
    this.#hashHigh = high;
    this.#hashLow = low;
    this.#mask = mask;
    this.#fill = this.#used;
  }

  /** The keys' ids in iteration order (`d.keys()`, `d.iteritems()`): by slot. */
  keys(): number[] {
    const out: number[] = [];
    const ids = this.#ids;
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot] as number;
      if (id >= 0) out.push(id);
    }
    return out;
  }
}
