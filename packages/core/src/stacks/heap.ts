/**
 * A max-heap of (priority, item) pairs in typed arrays, for the best-first expansions of
 * the stack reconstruction (heaviest stack next). Equal priorities pop the smaller item
 * first, so expansions are deterministic.
 */
export class BestFirst {
  #priority = new Float64Array(1024);
  #item = new Int32Array(1024);
  size = 0;

  topPriority(): number {
    return this.#priority[0] as number;
  }

  topItem(): number {
    return this.#item[0] as number;
  }

  push(priority: number, item: number): void {
    if (this.size === this.#item.length) {
      const p = new Float64Array(this.size * 2);
      const it = new Int32Array(this.size * 2);
      p.set(this.#priority);
      it.set(this.#item);
      this.#priority = p;
      this.#item = it;
    }
    const pr = this.#priority;
    const items = this.#item;
    let i = this.size++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const pu = pr[up] as number;
      const iu = items[up] as number;
      if (!(priority > pu || (priority === pu && item < iu))) break;
      pr[i] = pu;
      items[i] = iu;
      i = up;
    }
    pr[i] = priority;
    items[i] = item;
  }

  /** Removes the top and returns its item. */
  pop(): number {
    const pr = this.#priority;
    const items = this.#item;
    const top = items[0] as number;
    const last = --this.size;
    const p = pr[last] as number;
    const it = items[last] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let c = l;
      if (
        r < last &&
        ((pr[r] as number) > (pr[l] as number) ||
          (pr[r] === pr[l] && (items[r] as number) < (items[l] as number)))
      )
        c = r;
      if (!((pr[c] as number) > p || (pr[c] === p && (items[c] as number) < it))) break;
      pr[i] = pr[c] as number;
      items[i] = items[c] as number;
      i = c;
    }
    pr[i] = p;
    items[i] = it;
    return top;
  }
}

/** A double and its two 32-bit words (little-endian: WORDS[1] holds the exponent). */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
/** 2^(1/8) … 2^(7/8), from square roots and products only. */
const EIGHTHS = (() => {
  const half = Math.SQRT2;
  const quarter = Math.sqrt(half);
  const eighth = Math.sqrt(quarter);
  return [
    eighth,
    quarter,
    quarter * eighth,
    half,
    half * eighth,
    half * quarter,
    half * quarter * eighth,
  ];
})();

/**
 * An approximate max-queue for the expansion's main loop: priorities fall in buckets of an
 * eighth of an octave below a reference weight (1 024 buckets: down to 2^-128 of it), each a
 * last-in-first-out list, so push and pop cost O(1) instead of a heap's O(log n). Pops come
 * heaviest bucket first; within a bucket the order is deterministic (the last pushed first).
 * Items pushed lighter than what was popped last — the expansion only ever pushes a child's
 * or a parent's next link, never heavier than the link just taken — keep the order exact to
 * the bucket.
 */
export class Buckets {
  readonly #scale: number;
  #head = new Int32Array(BUCKETS).fill(-1);
  #next = new Int32Array(1024);
  #item = new Int32Array(1024);
  #free = -1;
  #used = 0;
  #current = BUCKETS;
  size = 0;

  constructor(reference: number) {
    this.#scale = reference > 0 && Number.isFinite(reference) ? reference : 1;
  }

  /**
   * Eighths of an octave below the scale: floor(8·log2(scale / priority)), from the
   * exponent's bits and seven thresholds 2^(j/8) made with square roots — not `Math.log2`,
   * whose last bits differ between V8 versions (Node and Chromium must order alike).
   */
  #bucket(priority: number): number {
    if (!(priority < this.#scale)) return 0;
    const ratio = this.#scale / priority;
    if (!(priority > 0) || !(ratio < Number.POSITIVE_INFINITY)) return BUCKETS - 1;
    BITS[0] = ratio;
    const high = WORDS[1] as number;
    const octaves = ((high >>> 20) & 0x7ff) - 1023;
    WORDS[1] = (high & 0x800fffff) | (1023 << 20);
    const mantissa = BITS[0] as number;
    let eighths = 0;
    while (eighths < 7 && (EIGHTHS[eighths] as number) <= mantissa) eighths++;
    return Math.min(octaves * 8 + eighths, BUCKETS - 1);
  }

  push(priority: number, item: number): void {
    let slot = this.#free;
    if (slot >= 0) this.#free = this.#next[slot] as number;
    else {
      if (this.#used === this.#item.length) {
        const next = new Int32Array(this.#used * 2);
        const items = new Int32Array(this.#used * 2);
        next.set(this.#next);
        items.set(this.#item);
        this.#next = next;
        this.#item = items;
      }
      slot = this.#used++;
    }
    const b = this.#bucket(priority);
    this.#item[slot] = item;
    this.#next[slot] = this.#head[b] as number;
    this.#head[b] = slot;
    if (b < this.#current) this.#current = b;
    this.size++;
  }

  /** The item that `pop` returns next (the queue must not be empty). */
  topItem(): number {
    while ((this.#head[this.#current] as number) < 0) this.#current++;
    return this.#item[this.#head[this.#current] as number] as number;
  }

  /** Removes the top and returns its item (the queue must not be empty). */
  pop(): number {
    while ((this.#head[this.#current] as number) < 0) this.#current++;
    const slot = this.#head[this.#current] as number;
    this.#head[this.#current] = this.#next[slot] as number;
    this.#next[slot] = this.#free;
    this.#free = slot;
    this.size--;
    return this.#item[slot] as number;
  }
}

const BUCKETS = 1024;
