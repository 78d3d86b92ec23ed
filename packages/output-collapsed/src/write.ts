/**
 * Profiles → collapsed ("folded") stacks (specs/collapsed.md §4), the input of
 * flamegraph.pl, inferno, speedscope, Perfetto and Pyroscope: one line per distinct stack,
 * `root;caller;leaf 1234`, LF line ends, UTF-8, one space, an integer weight.
 *
 * Stacks come from core's `deriveStacks`: exact where the source has them (a hotshot
 * timeline's calling-context tree, sampled stacks), reconstructed from the call graph
 * otherwise (pstats, lsprof), which keeps every function's own time. Reconstructed stacks
 * are reported (info `stacks-reconstructed`), not written into the file: neither consumer
 * has comments — flamegraph.pl reports a line without a count as invalid, and any line
 * that ends in a number becomes a frame in both (specs/collapsed.md §1) — so the file holds
 * only stacks. `--comment` writes the origin (and what a filter kept) as a first `# …`
 * line anyway, for readers who want it and tools that skip it. A comparison (`pyprof diff
 * --to collapsed`) is the two-count form of `difffolded.pl` (`writeCollapsedDiff`).
 *
 * Weights: integers in `--unit` (nanoseconds by default; profiles counted in samples are
 * written in samples), rounded by the running total — each line is its cumulative sum
 * rounded minus the previous one — so every line is within 1 of its exact weight and the
 * lines add up to the rounded total exactly. Lines whose weight rounds to 0 are left out
 * (speedscope ignores them; they add nothing). Identical stacks (several threads without
 * `--thread-prefix`) are merged. Lines come in the order of the stacks' tree — depth
 * first, each subtree contiguous (heaviest child first when reconstructed) — which is
 * deterministic, is the order speedscope's time-ordered view draws best (it merges
 * adjacent identical prefixes), and flamegraph.pl sorts on its own, so the writer does
 * not sort (a sort of 600k lines with long shared prefixes on the 100k-function dump buys
 * no consumer anything).
 *
 * Names: core's naming service with the consumers' identity rule — the frame text alone —
 * applied to the text as written, so two functions never share a frame. The frame text
 * escapes what the format cannot hold (each escape is `\xNN`, as `sanitizeName` writes
 * control characters): `;` (the separator) is `\x3b`; a whitespace character before a
 * trailing number (`retry 2`: flamegraph.pl would read the number as a second count) is
 * `\x20` (or its own code); undecodable bytes are `\xNN` (`escapeUndecodable`: the file is
 * UTF-8, and a viewer would turn them all into U+FFFD and merge the names); control
 * characters and outer spaces as `sanitizeName` does. Lossy points, each reported:
 * `stacks-pruned` (the frame budget put deep or many stacks under `(pruned)`) and
 * `inconsistent-functions` (from `deriveStacks`).
 */
import {
  BUDGET_FRAME,
  BUDGET_FRAME_NAME,
  CumulativeRounder,
  costUnitOf,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FRAMES,
  deriveStacks,
  encodeText,
  escapeUndecodable,
  filterNote,
  functionName,
  functionsInWhole,
  KeyIndex,
  type OutputChunk,
  type OutputNeeds,
  type Profile,
  type ProfileDiff,
  type ProfileSet,
  type Stacks,
  type StacksNeed,
  sanitizeName,
  stackTexts,
  treePaths,
  uniqueFunctionNames,
  type WriteContext,
} from '@pyprof/core';

/**
 * The default frame budget: half of core's `DEFAULT_MAX_FRAMES`, because every frame here
 * is its whole name (17–23 bytes a frame on the Breezy corpus profiles), not an index. At
 * 4,000,000 frames the 625 KB Breezy `commit` profile passed 64 MiB and stopped at the
 * output budget (64 times the input, core's limits.ts); at 2,000,000 it makes 47 MB with
 * 2.5% of the time pruned (3.9% at 1,000,000).
 */
export const COLLAPSED_MAX_FRAMES = DEFAULT_MAX_FRAMES / 2;

export type CollapsedUnit = 'ns' | 'us' | 'ms';

export interface CollapsedOptions {
  unit: CollapsedUnit;
  'thread-prefix': boolean;
  comment: boolean;
  'max-frames': number;
  'max-depth': number;
}

/** Units per second. */
const PER_SECOND: Record<CollapsedUnit, number> = { ns: 1e9, us: 1e6, ms: 1e3 };

/** Output is handed out in chunks of about this many characters. */
const CHUNK = 64 * 1024;

/** A whitespace character followed by a number at the end: flamegraph.pl's count pattern. */
const TRAILING_COUNT = /\s(?=\d+(?:\.\d*)?$)/u;

/**
 * Anything `frameText` would change: what `sanitizeName` changes (empty, `???`, a control
 * character, white space at either end: `\s` is the white space `trim` removes), a lone
 * low surrogate (an undecodable byte; in `u` mode a surrogate pair is one character), `;`
 * and the trailing count. Almost no name has any: one test of this expression before the
 * steps made 100,000 calls on the dump's names take 16–28 ms instead of 33–54 ms (fresh
 * processes, alternating).
 */
const CHANGED = /^$|^\?\?\?$|^\s|\s$|[;\p{Cc}\udc80-\udcff]|\s(?=\d+(?:\.\d*)?$)/u;

/**
 * A name as a frame of a collapsed line (see the file comment for the escapes). The
 * result holds no `;`, no line break, no undecodable byte, and does not end in a
 * whitespace-separated number.
 */
export function frameText(name: string): string {
  if (!CHANGED.test(name)) return name;
  let text = escapeUndecodable(sanitizeName(name));
  if (text.includes(';')) text = text.replaceAll(';', '\\x3b');
  const match = TRAILING_COUNT.exec(text);
  if (match !== null) {
    const code = (match[0].codePointAt(0) as number).toString(16).padStart(2, '0');
    text = `${text.slice(0, match.index)}\\x${code}${text.slice(match.index + 1)}`;
  }
  return text;
}

/** The first frame of a part's stacks with `--thread-prefix`. */
function threadFrame(profile: Profile, index: number, count: number): string {
  const { label, threadId } = profile.metadata;
  if (threadId !== undefined) {
    const named = label !== undefined && label !== `thread ${threadId}` ? `: ${label}` : '';
    return frameText(`thread (${threadId})${named}`);
  }
  if (label !== undefined) return frameText(label);
  return count > 1 ? `part ${index + 1}` : 'profiled thread';
}

/** The frame text of each function of `profile`: unique, escaped (see the file comment). */
export function collapsedFrameNames(profile: Profile): string[] {
  return uniqueFunctionNames(profile, { written: frameText, reserved: [BUDGET_FRAME_NAME] });
}

/** Frame text of every function of `set.whole`, and per part, its functions' frames. */
function frameTexts(set: ProfileSet, parts: readonly Profile[]): string[][] {
  const whole = set.whole;
  const names = collapsedFrameNames(whole);
  return functionsInWhole(whole, parts).map((map, k) => {
    const part = parts[k] as Profile;
    if (part === whole) return names;
    // Not in the merged profile (a set built by hand): its own name, escaped.
    return Array.from(map, (at, fn) =>
      at >= 0 ? (names[at] as string) : frameText(functionName(part, fn)),
    );
  });
}

/** The stacks the options ask for. */
export function stacksNeed(options: Partial<CollapsedOptions>): StacksNeed {
  return {
    maxFrames: options['max-frames'] ?? COLLAPSED_MAX_FRAMES,
    maxDepth: options['max-depth'] ?? DEFAULT_MAX_DEPTH,
  };
}

/** What the writer uses: stacks (exact call trees where the reader keeps them). */
export function collapsedNeeds(options: Partial<CollapsedOptions> = {}): OutputNeeds {
  return { stacks: stacksNeed(options) };
}

/** One tree whose frames are unique names, written as bytes as it is walked (`treeChunks`). */
interface SingleTree {
  stacks: Stacks;
  frame: (fn: number) => string;
  root: string;
  scale: number;
}

/** The lines of some profiles' stacks: weight per line text, in the order first met. */
interface StackLines {
  /** Each distinct line text with its weight (in units, not yet rounded), in the order first met. */
  lines: Iterable<readonly [string, number]>;
  /** Instead of `lines`: a single tree, written by `treeChunks`. */
  tree?: SingleTree;
  origins: Set<string>;
  reconstructed: boolean;
  sampled: boolean;
  timed: boolean;
}

/**
 * Per node, the first node with the same functions from the root down — the same line
 * text when the frames are unique names. A tree may hold the same stack twice (two
 * children of one node with the same function: the 2,000,000-frame tree of the
 * 100k-function dump has 112 such pairs), and its lines are then one. Nodes are keyed by
 * (their parent's first node, their function) in core's `KeyIndex`, parents before
 * children.
 */
function firstOfSameStack(stacks: Stacks): Int32Array {
  const count = stacks.length;
  let functions = 0;
  for (let v = 0; v < count; v++) {
    const fn = stacks.function[v] as number;
    if (fn !== BUDGET_FRAME && fn > functions) functions = fn;
  }
  const width = functions + 2;
  const keys = new Float64Array(count);
  const first = new Int32Array(count);
  const seen = new KeyIndex(keys, count);
  for (let v = 0; v < count; v++) {
    const p = stacks.parent[v] as number;
    const fn = stacks.function[v] as number;
    keys[v] =
      (p < 0 ? 0 : (first[p] as number) + 1) * width + (fn === BUDGET_FRAME ? width - 1 : fn);
    const other = seen.claim(v);
    first[v] = other < 0 ? v : other;
  }
  return first;
}

/**
 * The lines of `parts`' stacks, with `texts[k]` the frame of each function of part k. With
 * `distinct` (the frames are the whole profile's unique names), a single part's tree is
 * kept to be written as it is walked (`treeChunks`); otherwise the lines are gathered in a
 * map that merges the same text.
 */
function stackLines(
  parts: readonly Profile[],
  texts: readonly string[][],
  options: CollapsedOptions,
  context: WriteContext,
  prefixes: boolean,
  distinct: boolean,
): StackLines {
  const need = stacksNeed(options);
  const merged = new Map<string, number>();
  const out: StackLines = {
    lines: merged,
    origins: new Set(),
    reconstructed: false,
    sampled: false,
    timed: false,
  };
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as Profile;
    const samples = costUnitOf(part) === 'samples';
    if (samples) out.sampled = true;
    else out.timed = true;
    const scale = samples ? 1 : PER_SECOND[options.unit];
    const label = parts.length > 1 ? threadFrame(part, index, parts.length) : undefined;
    const stacks = deriveStacks(part, need, {
      sink: context,
      ...(label !== undefined ? { label } : {}),
    });
    out.origins.add(stacks.label);
    if (stacks.origin === 'reconstructed') out.reconstructed = true;
    const frames = texts[index] as string[];
    const frame = (fn: number) =>
      fn === BUDGET_FRAME ? BUDGET_FRAME_NAME : (frames[fn] as string);
    const root = prefixes ? `${threadFrame(part, index, parts.length)};` : '';
    if (distinct && parts.length === 1) {
      out.tree = { stacks, frame, root, scale };
      break;
    }
    for (const { text, weight } of stackTexts(stacks, frame, ';', root))
      merged.set(text, (merged.get(text) ?? 0) + weight * scale);
  }
  return out;
}

/** Bytes of a line chunk (a longer line gets a chunk of its own size). */
const CHUNK_BYTES = 64 * 1024;
const SEMICOLON = 0x3b;
const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * The lines of one tree whose frames are unique names, as UTF-8 chunks made while the tree
 * is walked: each stack's weight is added to the first node of its text
 * (`firstOfSameStack`), and the line comes where the first stack of that text with weight
 * is, rounded by `rounder` in that order — the order and numbers of a map of texts,
 * without one. Each frame is encoded once (`encodeText`, as string chunks would be), and
 * each line is its parent's bytes, `;` and its frame's: on the 100k-function dump, line
 * strings built from their parents' (`stackTexts`), joined into chunks and encoded again
 * took about 0.4 s of a 4 s conversion (decision 0034).
 */
function* treeChunks(tree: SingleTree, rounder: CumulativeRounder): Generator<Uint8Array> {
  const { stacks, frame, scale } = tree;
  const count = stacks.length;
  const first = firstOfSameStack(stacks);
  const sum = new Float64Array(count);
  const firstWeighted = new Int32Array(count).fill(-1);
  let functions = 0;
  for (let v = 0; v < count; v++) {
    const fn = stacks.function[v] as number;
    if (fn !== BUDGET_FRAME && fn >= functions) functions = fn + 1;
    const weight = stacks.selfTime[v] as number;
    if (!(weight > 0) || !Number.isFinite(weight)) continue;
    const same = first[v] as number;
    sum[same] = (sum[same] as number) + weight * scale;
    if ((firstWeighted[same] as number) < 0) firstWeighted[same] = v;
  }
  // The frames of the functions in the tree (the budget frame last), encoded together:
  // their texts joined by line feeds, which no frame holds (`frameText`). One `encodeText`
  // instead of one per function took the frames from 107 to about 10 ms (decision 0034).
  const slotOf = (fn: number) => (fn === BUDGET_FRAME ? functions : fn);
  const frameAt = new Int32Array(functions + 2).fill(-1);
  const texts: string[] = [];
  for (let v = 0; v < count; v++) {
    const fn = stacks.function[v] as number;
    const slot = slotOf(fn);
    if ((frameAt[slot] as number) >= 0) continue;
    frameAt[slot] = texts.length;
    texts.push(frame(fn));
  }
  const pool = encodeText(`${texts.join('\n')}\n`);
  // Each used slot's byte offset: its text's rank turned into where its line starts.
  const starts = new Int32Array(texts.length + 1);
  for (let i = 0, k = 1; i < pool.length; i++) if (pool[i] === NEWLINE) starts[k++] = i + 1;
  for (let slot = 0; slot <= functions; slot++)
    if ((frameAt[slot] as number) >= 0) frameAt[slot] = starts[frameAt[slot] as number] as number;
  // The current path's bytes, and by depth where its text ends (`treePaths`).
  const root = encodeText(tree.root);
  let path: Uint8Array = new Uint8Array(1 << 12);
  if (root.length > path.length) path = grown(path, root.length);
  path.set(root);
  const pathEnd: number[] = [];
  let out: Uint8Array = new Uint8Array(CHUNK_BYTES);
  let used = 0;
  const digits = new Uint8Array(24);
  for (const { node: v, depth: d, again } of treePaths(stacks.parent)) {
    const start = frameAt[slotOf(stacks.function[v] as number)] as number;
    let at = root.length;
    if (d > 0) {
      at = pathEnd[d - 1] as number;
      if (at === path.length) path = grown(path, at + 1);
      path[at++] = SEMICOLON;
    }
    // (Byte by byte: frames are short, and a `subarray` per copy cost more.)
    for (let i = start; pool[i] !== NEWLINE; i++) {
      if (at === path.length) path = grown(path, at + 1);
      path[at++] = pool[i] as number;
    }
    pathEnd[d] = at;
    if (again) continue;
    const same = first[v] as number;
    if (firstWeighted[same] !== v) continue;
    let weight = rounder.next(sum[same] as number);
    if (weight === 0) continue;
    // The weight's decimal digits (an integer below 2^53), last first.
    let width = 0;
    while (weight > 0) {
      const tenth = Math.floor(weight / 10);
      digits[width++] = 0x30 + (weight - 10 * tenth);
      weight = tenth;
    }
    const end = pathEnd[d] as number;
    const size = end + width + 2;
    if (used + size > out.length) {
      if (used > 0) yield out.subarray(0, used);
      out = new Uint8Array(Math.max(CHUNK_BYTES, size));
      used = 0;
    }
    out.set(path.subarray(0, end), used);
    used += end;
    out[used++] = SPACE;
    while (width > 0) out[used++] = digits[--width] as number;
    out[used++] = NEWLINE;
  }
  if (used > 0) yield out.subarray(0, used);
}

/** A copy of `bytes` with room for at least `size`. */
function grown(bytes: Uint8Array, size: number): Uint8Array {
  const longer = new Uint8Array(Math.max(size, 2 * bytes.length));
  longer.set(bytes);
  return longer;
}

/** The notes every collapsed output gives: mixed units, reconstructed stacks. */
function reportLines(found: StackLines, options: CollapsedOptions, context: WriteContext): void {
  if (found.sampled && found.timed) {
    context.warn({
      code: 'mixed-units',
      message: `some parts are counted in samples and some in time: their weights are added as they are (samples, and ${options.unit})`,
    });
  }
  if (found.reconstructed) {
    context.warn({
      severity: 'info',
      code: 'stacks-reconstructed',
      message: `${[...found.origins].join(', ')}: each function's own time is exact, the paths to it are the reconstruction's`,
    });
  }
}

/** The `--comment` line: where the stacks come from, the unit, and any filter. */
function commentLine(found: StackLines, profiles: readonly Profile[], options: CollapsedOptions) {
  const notes = profiles.flatMap((p) => {
    const note = filterNote(p);
    return note === undefined ? [] : [`filtered: ${note}`];
  });
  const unit = found.sampled && !found.timed ? 'samples' : options.unit;
  return `# ${[...found.origins, ...notes].join(', ')} (${unit})\n`;
}

/** Writes a profile set as collapsed stacks, in chunks. */
export function* writeCollapsed(
  set: ProfileSet,
  options: CollapsedOptions,
  context: WriteContext,
): Generator<OutputChunk> {
  const parts = set.parts.length > 0 ? set.parts : [set.whole];
  const found = stackLines(
    parts,
    frameTexts(set, parts),
    options,
    context,
    options['thread-prefix'],
    parts.length === 1 && parts[0] === set.whole,
  );
  reportLines(found, options, context);
  let out = options.comment ? commentLine(found, parts, options) : '';
  const rounder = new CumulativeRounder();
  if (found.tree) {
    if (out !== '') yield out;
    yield* treeChunks(found.tree, rounder);
    return;
  }
  for (const [key, exact] of found.lines) {
    const weight = rounder.next(exact);
    if (weight === 0) continue;
    out += `${key} ${weight}\n`;
    if (out.length >= CHUNK) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}

/**
 * Writes a comparison in the two-count form `difffolded.pl` prints and flamegraph.pl
 * draws (specs/collapsed.md §1): `stack BASE NEW` per line, a side without the stack 0.
 * Each side's counts are exactly the lines its own file would hold — its stacks, rounded
 * by the running total over its own lines — so each column adds up to that side's
 * rounded total; the frames are the comparison's names (one per function of either side,
 * a moved function is one frame). NEW's lines come first, in its order, then the lines
 * only BASE has (difffolded.pl's order is Perl's hash order; flamegraph.pl sorts). Each
 * side is one merged profile, so `--thread-prefix` does not apply.
 */
export function* writeCollapsedDiff(
  diff: ProfileDiff,
  options: CollapsedOptions,
  context: WriteContext,
): Generator<OutputChunk> {
  const sides = [diff.base, diff.next];
  const texts = frameTexts(diff.set, sides);
  const counted = sides.map((side, k) => {
    const found = stackLines([side], [texts[k] as string[]], options, context, false, false);
    reportLines(found, options, context);
    const counts = new Map<string, number>();
    const rounder = new CumulativeRounder();
    for (const [key, exact] of found.lines) {
      const weight = rounder.next(exact);
      if (weight !== 0) counts.set(key, weight);
    }
    return { found, counts };
  });
  const [base, next] = counted as [(typeof counted)[0], (typeof counted)[0]];
  let out = '';
  if (options.comment) {
    const comment = (k: number) =>
      commentLine((counted[k] as (typeof counted)[0]).found, [sides[k] as Profile], options);
    out += `${comment(0).replace(/^# /, '# BASE: ')}${comment(1).replace(/^# /, '# NEW: ')}`;
  }
  const line = (key: string) =>
    `${key} ${base.counts.get(key) ?? 0} ${next.counts.get(key) ?? 0}\n`;
  for (const key of next.counts.keys()) {
    out += line(key);
    if (out.length >= CHUNK) {
      yield out;
      out = '';
    }
  }
  for (const key of base.counts.keys()) {
    if (next.counts.has(key)) continue;
    out += line(key);
    if (out.length >= CHUNK) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}
