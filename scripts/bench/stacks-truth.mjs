// Issue 16's ground truth on real runs: every corpus hotshot log has its exact calling-
// context tree. Each log's timeline is replayed into activations and aggregated into a
// call graph exactly as cProfile does (the testkit's `profileFromRun`, timed edges); the
// call graph's stacks are then reconstructed (`deriveStacks`) and compared with the exact
// tree: the share of weight on stacks that really ran, and the functions that keep their
// cumulative time (the testkit's measure). A measurement of the reconstruction, not of
// speed; `pnpm bench stacks-truth`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUDGET_FRAME,
  deriveStacks,
  functionFile,
  functionName,
  readWith,
  stackSamples,
  TIMELINE_ENTER,
} from '../../packages/core/dist/index.js';
import { hotshot } from '../../packages/input-hotshot/dist/index.js';
import { measureCumulativeTime, profileFromRun } from '../../packages/testkit/dist/index.js';
import { ensureBuilt, root, table } from './lib.mjs';

ensureBuilt();
const folder = join(root, 'packages', 'input-hotshot', 'test', 'fixtures', 'hotshot');

function* logs(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* logs(path);
    else if (entry.name.endsWith('.hotshot')) yield path;
  }
}

/** Each function's pstats key, the identity shared by the log's profile and the aggregate. */
const keyOf = (profile, f) =>
  `${functionFile(profile, f)}\0${profile.functions.line[f]}\0${functionName(profile, f)}`;

/** The timeline as a run: activations with their own time (frames open at the start are left out). */
function runOf(profile) {
  const functions = [];
  for (let f = 0; f < profile.functions.length; f++)
    functions.push({
      file: functionFile(profile, f),
      line: profile.functions.line[f],
      name: functionName(profile, f),
    });
  const roots = [];
  const stack = [];
  const t = profile.timeline;
  let last = t.length > 0 ? t.time[0] : 0;
  for (let k = 0; k < t.length; k++) {
    const now = t.time[k];
    const top = stack[stack.length - 1];
    if (top) top.self += now - last;
    last = now;
    if (t.kind[k] === TIMELINE_ENTER) {
      const activation = { fn: t.function[k], self: 0, children: [] };
      if (top) top.children.push(activation);
      else roots.push(activation);
      stack.push(activation);
    } else if (stack.length > 0) stack.pop();
  }
  return { functions, roots };
}

/** Stacks as `;`-joined pstats keys with their weights. */
function stackWeights(profile, stacks) {
  const out = new Map();
  for (const { frames, weight } of stackSamples(stacks)) {
    const key = frames
      .filter((f) => f !== BUDGET_FRAME)
      .map((f) => keyOf(profile, f))
      .join(';');
    out.set(key, (out.get(key) ?? 0) + weight);
  }
  return out;
}

const rows = [];
let onAll = 0;
let weightAll = 0;
let keptAll = 0;
let consideredAll = 0;
for (const path of logs(folder)) {
  const set = readWith(hotshot, new Uint8Array(readFileSync(path)), {
    needs: { timeline: true, callTree: true },
  });
  for (const part of set.parts) {
    if (!part.timeline || part.timeline.length === 0) continue;
    const truth = new Set(stackWeights(part, deriveStacks(part)).keys());
    const aggregate = profileFromRun(runOf(part), { edges: 'timed' });
    const stacks = deriveStacks(aggregate);
    let on = 0;
    let weight = 0;
    for (const [key, w] of stackWeights(aggregate, stacks)) {
      weight += w;
      if (truth.has(key)) on += w;
    }
    const measure = measureCumulativeTime(aggregate, stacks);
    onAll += on;
    weightAll += weight;
    keptAll += measure.kept;
    consideredAll += measure.considered;
    rows.push([
      path.slice(folder.length + 1),
      stacks.origin,
      `${((100 * on) / Math.max(weight, 1e-300)).toFixed(1)}%`,
      `${measure.kept}/${measure.considered}`,
    ]);
  }
}
rows.push([
  'all logs (weighted)',
  '',
  `${((100 * onAll) / Math.max(weightAll, 1e-300)).toFixed(1)}%`,
  `${keptAll}/${consideredAll}`,
]);
console.log('\n### stacks reconstructed from hotshot logs aggregated as cProfile does\n');
console.log(
  table(['log', 'stacks', 'weight on stacks that ran', 'functions keeping ct (measure)'], rows),
);
