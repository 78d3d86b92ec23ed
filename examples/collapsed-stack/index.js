/**
 * An output plugin for Brendan Gregg's collapsed-stack format — one line per stack,
 * `root;caller;leaf <weight>` — which flamegraph.pl, inferno and speedscope import. It is
 * the worked example of docs/adding-a-plugin.md: a third-party plugin built only on the
 * published `@pyprof/core` API, tested with `@pyprof/testkit`, and loaded with
 * `pyprof convert --plugin ./examples/collapsed-stack/index.js --to collapsed`.
 *
 * Stacks come from the exact calling-context tree when the profile has one (hotshot), else
 * from core's call-tree reconstruction of the aggregate call graph (pstats, lsprof), whose
 * stacks add up to every function's self time. Weights are integers (flamegraph.pl wants
 * them) in the chosen unit, rounded so that they add up to the rounded total; zero-weight
 * stacks are left out. Frame names come from core's naming service with `;` replaced, so
 * distinct functions never share a frame.
 */
import {
  callTreeFromTimeline,
  defineOutputPlugin,
  PRUNED_FRAME,
  reconstructCallTree,
  uniqueFunctionNames,
} from '@pyprof/core';

const UNITS = { us: 1e6, ns: 1e9, ms: 1e3 };

/** Frame text: no `;` (the separator) and no line breaks. */
function frameText(name) {
  return name.replace(/;/g, ':').replace(/[\r\n]/g, ' ');
}

/** The calling-context tree of one profile (exact if possible). */
function treeOf(profile, maxStacks) {
  if (profile.callTree) return profile.callTree;
  if (profile.timeline) return callTreeFromTimeline(profile.timeline);
  return reconstructCallTree(profile, { maxStacks });
}

export const collapsed = defineOutputPlugin({
  name: 'collapsed',
  title: 'collapsed stacks (flamegraph.pl, inferno, speedscope)',
  extension: '.collapsed.txt',
  options: {
    unit: {
      type: 'choice',
      choices: ['us', 'ns', 'ms'],
      default: 'us',
      description: 'unit of the integer weights',
    },
    'max-stacks': {
      type: 'integer',
      default: 100000,
      description: 'budget for stacks reconstructed from an aggregate call graph',
    },
  },
  needs: { callTree: true },
  *write(set, options) {
    const profile = set.whole;
    const scale = UNITS[options.unit];
    const names = uniqueFunctionNames(profile, {
      identity: (name, fn) =>
        `${frameText(name)}\u0000${profile.strings[profile.functions.file[fn]]}`,
    }).map(frameText);
    const tree = treeOf(profile, options['max-stacks']);
    const paths = new Array(tree.length);
    // Largest-remainder rounding: integer weights that add up to the rounded total.
    let carry = 0;
    let lines = [];
    for (let node = 0; node < tree.length; node++) {
      const fn = tree.function[node];
      const frame = fn === PRUNED_FRAME ? '(pruned)' : names[fn];
      const parent = tree.parent[node];
      paths[node] = parent < 0 ? frame : `${paths[parent]};${frame}`;
      const exact = Math.max(0, tree.selfTime[node] || 0) * scale + carry;
      const weight = Math.round(exact);
      carry = exact - weight;
      if (weight > 0) lines.push(`${paths[node]} ${weight}\n`);
      if (lines.length >= 1024) {
        yield lines.join('');
        lines = [];
      }
    }
    if (lines.length > 0) yield lines.join('');
  },
});

export default collapsed;
