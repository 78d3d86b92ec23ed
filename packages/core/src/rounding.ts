/**
 * Integers from exact values for writers whose numbers must add up: callgrind's costs,
 * pprof's nanoseconds, collapsed stacks' weights. One mechanism, so every format rounds
 * the same way and its totals equal the profile's rounded total.
 */

/** The largest integer a double holds exactly: results are capped there. */
const MAX_INTEGER = 2 ** 53;

/**
 * Cumulative rounding: feed exact non-negative values in output order, get integers that
 * are each within one unit of their value and whose sum is the rounded exact sum. The
 * running sum is compensated (Neumaier), so the result does not depend on how many
 * values came before.
 */
export class CumulativeRounder {
  #sum = 0;
  #compensation = 0;
  #emitted = 0;

  next(value: number): number {
    const t = this.#sum + value;
    if (Math.abs(this.#sum) >= Math.abs(value)) this.#compensation += this.#sum - t + value;
    else this.#compensation += value - t + this.#sum;
    this.#sum = t;
    const rounded = Math.min(MAX_INTEGER, Math.round(this.#sum + this.#compensation));
    const cost = Math.max(0, rounded - this.#emitted);
    this.#emitted += cost;
    return cost;
  }

  /** Sum of everything returned so far (= the rounded running total). */
  get total(): number {
    return this.#emitted;
  }
}
