// `stackTexts` builds each stack's text from its parent's: on any tree whose parents come
// before their children (depth first or not), it gives the stacks `stackSamples` gives, in
// the same order, each frame's text joined — with a root prefix and the budget frame.
// `treePaths`, under it, keeps per depth the current root path of every node.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_FRAME, type Stacks, stackSamples, stackTexts, treePaths } from '../src/index.js';

/** A tree of `nodes` (parent index below the node, or -1), functions and weights. */
const trees = fc
  .array(
    fc.record({
      parent: fc.nat(),
      root: fc.boolean(),
      fn: fc.oneof(fc.nat({ max: 5 }), fc.constant(BUDGET_FRAME)),
      weight: fc.oneof(fc.constant(0), fc.double({ min: 1e-9, max: 10, noNaN: true })),
    }),
    { maxLength: 40 },
  )
  .map((rows) => {
    const parent = Int32Array.from(rows, (r, v) => (r.root || v === 0 ? -1 : r.parent % v));
    const stacks = {
      length: rows.length,
      parent,
      function: Uint32Array.from(rows, (r) => r.fn),
      selfTime: Float64Array.from(rows, (r) => r.weight),
    };
    return stacks as unknown as Stacks;
  });

describe('stackTexts', () => {
  it('gives the stacks of stackSamples, each as its frames joined', () => {
    fc.assert(
      fc.property(trees, fc.constantFrom('', 'thread;'), (stacks, root) => {
        const frame = (fn: number) => (fn === BUDGET_FRAME ? '(pruned)' : `f${fn}`);
        // Each object is reused by the walk: copied as it comes.
        const expected = Array.from(stackSamples(stacks), ({ node, frames, weight }) => ({
          node,
          text: root + Array.from(frames, frame).join(';'),
          weight,
        }));
        const actual = Array.from(stackTexts(stacks, frame, ';', root), (s) => ({ ...s }));
        expect(actual).toEqual(expected);
      }),
    );
  });
});

describe('treePaths', () => {
  it('enters every node once in order, after its ancestors are the path above it', () => {
    fc.assert(
      fc.property(trees, (stacks) => {
        const path: number[] = [];
        const entered: number[] = [];
        for (const { node, depth, again } of treePaths(stacks.parent)) {
          path[depth] = node;
          if (again) continue;
          entered.push(node);
          const ancestors: number[] = [];
          for (let k = node; k >= 0; k = stacks.parent[k] as number) ancestors.unshift(k);
          expect(path.slice(0, depth + 1)).toEqual(ancestors);
        }
        expect(entered).toEqual(Array.from({ length: stacks.length }, (_, v) => v));
      }),
    );
  });
});
