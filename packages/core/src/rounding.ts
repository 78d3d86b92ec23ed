/**
 * Integers from exact values for writers whose numbers must add up: callgrind's costs,
 * pprof's nanoseconds, collapsed stacks' weights. One mechanism, so every format rounds
 * the same way and its totals equal the profile's rounded total.
 */
import { functionsInWhole, type Profile } from './profile.js';
import { BUDGET_FRAME, type Stacks } from './stacks.js';

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

/**
 * Integer weights for the stacks of a set's parts, as pprof writes them and as filters
 * see them (decision 0027): each function's own weight over all parts (its row in
 * `whole`; a part's function `whole` lacks comes after them, in the order met; the
 * budget frame last) is rounded once by a `CumulativeRounder` over that order,
 * then spread over the function's stacks along a running sum. So every function's flat
 * value is its own weight × `scale` within 1, the values add up to the rounded total, and
 * the same set always gets the same integers. Returns, per part and per stack node, the
 * node's integer weight (0 where it has none).
 */
export function roundedStackWeights(
  whole: Profile,
  parts: readonly Profile[],
  stacks: readonly Stacks[],
  scale: number,
): Float64Array[] {
  let extra = whole.functions.length;
  const byPart = functionsInWhole(whole, parts, () => extra++);
  const budget = extra;
  const count = budget + 1;
  const indexOf = (part: number, fn: number) =>
    fn === BUDGET_FRAME ? budget : ((byPart[part] as Int32Array)[fn] as number);
  const weight = new Float64Array(count);
  stacks.forEach((s, part) => {
    for (let v = 0; v < s.length; v++) {
      const w = s.selfTime[v] as number;
      if (!(w > 0) || !Number.isFinite(w)) continue;
      const f = indexOf(part, s.function[v] as number);
      weight[f] = (weight[f] as number) + w;
    }
  });
  const target = new Float64Array(count);
  const rounder = new CumulativeRounder();
  for (let f = 0; f < count; f++) {
    const w = weight[f] as number;
    if (w !== 0) target[f] = rounder.next(w * scale);
  }
  const spent = new Float64Array(count);
  const emitted = new Float64Array(count);
  return stacks.map((s, part) => {
    const values = new Float64Array(s.length);
    for (let v = 0; v < s.length; v++) {
      const w = s.selfTime[v] as number;
      if (!(w > 0) || !Number.isFinite(w)) continue;
      const f = indexOf(part, s.function[v] as number);
      spent[f] = (spent[f] as number) + w;
      const total = weight[f] as number;
      const share =
        spent[f] === total
          ? (target[f] as number)
          : Math.round(((target[f] as number) * (spent[f] as number)) / total);
      values[v] = share - (emitted[f] as number);
      emitted[f] = share;
    }
    return values;
  });
}
