/**
 * ProfileSet → speedscope JSON (specs/speedscope.md; speedscope's `file-format-spec.ts`).
 *
 * One speedscope profile per part of the set (per thread, per input file), sharing one
 * frame table, so speedscope's profile switcher walks the threads:
 *
 * - **Exact data** (a `timeline`, hotshot): an *evented* profile, the enter/exit events in
 *   order, in seconds. A timeline longer than `evented-limit` events (or `mode: sampled`)
 *   becomes instead its exact calling-context tree (`callTree`, or derived from the
 *   timeline) written as a *sampled* profile: one sample per distinct stack weighted by
 *   its own time — the same flame graph, far smaller, without the time order.
 * - **Aggregate data** (pstats, lsprof): a *sampled* profile of the stacks core's
 *   `deriveStacks` reconstructs from the call graph (decision 0017). The profile's name
 *   says the stacks are reconstructed (and how many functions' numbers contradict
 *   themselves); every function keeps its own and its cumulative time wherever its
 *   numbers are consistent, and what the frame budget cuts sits under `(pruned)` frames.
 *
 * Sampled profiles are written from the one call every stack-drawing output uses:
 * `deriveStacks(part, need)`, with the need `speedscopeNeeds` declares.
 *
 * Frames are the functions of the merged profile, deduplicated across parts by identity
 * (file, line, name), named by core's naming service with speedscope's rule — the flame
 * graph shows names only, so distinct functions never share a name (two closures
 * `decorated` in one file become `decorated:31` and `decorated:46`). Python functions
 * carry `file` and `line`; builtins and the profilers' synthetic entries carry neither.
 *
 * File and function names that are not valid UTF-8 keep every byte: the undecodable ones
 * are lone surrogates in the IR, which JSON writes as `\udcXX` escapes (valid UTF-8 JSON
 * that parses back to the same string). Lossy points: aggregate profiles have no time order;
 * a budget cut (warning `stacks-pruned`) gathers the cut stacks under `(pruned)` frames;
 * an evented profile requested where there is no timeline falls back (`no-timeline`);
 * timeline exits that match no open frame are dropped and frames still open at the end
 * are closed at the last time (`unbalanced-timeline`).
 *
 * Profiles counted in samples (sampled stacks) are written with the unit `none`: the
 * weights are sample counts, not seconds.
 *
 * Output is produced in chunks of about 64 KiB, never as one string.
 */
import {
  BUDGET_FRAME,
  BUDGET_FRAME_NAME,
  costUnitOf,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FRAMES,
  deriveStacks,
  filterNote,
  functionFile,
  functionKind,
  functionName,
  functionsInWhole,
  type OutputChunk,
  type OutputNeeds,
  type Profile,
  type ProfileSet,
  type Stacks,
  type StacksNeed,
  stackTexts,
  TIMELINE_ENTER,
  uniqueFunctionNames,
  type WriteContext,
} from '@pyprof/core';

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';
export const PRUNED_NAME = BUDGET_FRAME_NAME;

export type SpeedscopeMode = 'auto' | 'evented' | 'sampled' | 'reconstructed';

export interface SpeedscopeOptions {
  mode: SpeedscopeMode;
  'evented-limit': number;
  'max-frames': number;
  'max-depth': number;
}

const CHUNK = 64 * 1024;

/** Collects JSON text and hands it out in chunks. */
class Chunks {
  #parts: string[] = [];
  #length = 0;

  add(text: string): void {
    this.#parts.push(text);
    this.#length += text.length;
  }

  get full(): boolean {
    return this.#length >= CHUNK;
  }

  take(): string {
    const text = this.#parts.join('');
    this.#parts = [];
    this.#length = 0;
    return text;
  }
}

/** What each part becomes. */
type Plan =
  | { kind: 'evented'; profile: Profile; frames: Int32Array; name: string }
  | {
      kind: 'sampled';
      profile: Profile;
      frames: Int32Array;
      name: string;
      stacks: Stacks;
    };

interface FrameTable {
  /** JSON text of each frame object. */
  json: string[];
  /** Per part: frame index of each function. */
  byPart: Int32Array[];
  prunedFrame: number;
}

const json = (value: string) => JSON.stringify(value);

/** The frame object of one function of `profile`. */
function frameJson(profile: Profile, fn: number, name: string): string {
  let out = `{"name":${json(name)}`;
  const kind = functionKind(profile, fn);
  if (kind === 'python') {
    const file = functionFile(profile, fn);
    if (file !== '') out += `,"file":${json(file)}`;
    const line = profile.functions.line[fn] as number;
    if (line > 0) out += `,"line":${line}`;
  } else if (kind === 'synthetic') {
    const code = profile.functions.details.get(fn)?.codeObject;
    if (code) {
      out += `,"file":${json(code.file)}`;
      if (code.line > 0) out += `,"line":${code.line}`;
    }
  }
  return `${out}}`;
}

/** One frame per function of the merged profile; parts map onto it by identity. */
function buildFrames(
  set: ProfileSet,
  parts: readonly Profile[],
  context: WriteContext,
): FrameTable {
  const whole = set.whole;
  const names = uniqueFunctionNames(whole, {
    keySuffix: () => '',
    reserved: [PRUNED_NAME],
  });
  const frames: string[] = [];
  for (let fn = 0; fn < whole.functions.length; fn++)
    frames.push(frameJson(whole, fn, names[fn] as string));
  // A function the merged profile lacks (a set built by hand): a frame of its own.
  const byPart = functionsInWhole(whole, parts, (part, fn) => {
    frames.push(frameJson(part, fn, functionName(part, fn)));
    return frames.length - 1;
  });
  return { json: frames, byPart, prunedFrame: -1 };
}

function partLabel(profile: Profile, index: number, count: number, fallback: string): string {
  const m = profile.metadata;
  if (m.label) return m.label;
  if (m.threadId) return `thread ${m.threadId}`;
  if (count > 1) return `part ${index + 1}`;
  return m.sourceName ?? fallback;
}

/** Decides what each part becomes (see the file comment). */
function plan(
  parts: readonly Profile[],
  frames: FrameTable,
  options: SpeedscopeOptions,
  context: WriteContext,
  fallbackName: string,
): Plan[] {
  let warnedNoTimeline = false;
  return parts.map((profile, index) => {
    const label = partLabel(profile, index, parts.length, fallbackName);
    const map = frames.byPart[index] as Int32Array;
    const timeline = profile.timeline;
    if (options.mode === 'evented' && !timeline && !warnedNoTimeline) {
      warnedNoTimeline = true;
      context.warn({
        code: 'no-timeline',
        message: `mode evented needs an exact timeline (hotshot); ${label} has none, so it is written as a sampled profile`,
      });
    }
    if (
      timeline &&
      options.mode !== 'reconstructed' &&
      (options.mode === 'evented' ||
        (options.mode === 'auto' && timeline.length <= options['evented-limit']))
    ) {
      return { kind: 'evented', profile, frames: map, name: label };
    }
    const stacks = deriveStacks(profile, stacksNeed(options), { sink: context, label });
    // A filtered profile's stacks are the kept ones: the name says what was kept.
    const filtered = filterNote(profile);
    const source = filtered === undefined ? stacks.label : `filtered: ${filtered}`;
    return { kind: 'sampled', profile, frames: map, name: `${label} (${source})`, stacks };
  });
}

const number = (value: number) => (Number.isFinite(value) ? String(value) : '0');

function* evented(
  plan: Extract<Plan, { kind: 'evented' }>,
  out: Chunks,
  context: WriteContext,
): Generator<string> {
  const timeline = plan.profile.timeline as NonNullable<Profile['timeline']>;
  const frames = plan.frames;
  const n = timeline.length;
  const start = n > 0 ? (timeline.time[0] as number) : 0;
  const stack: number[] = [];
  let last = start;
  let dropped = 0;
  let first = true;
  const event = (type: 'O' | 'C', fn: number, at: number) => {
    out.add(`${first ? '\n' : ',\n'}{"type":"${type}","frame":${frames[fn]},"at":${number(at)}}`);
    first = false;
  };
  out.add(
    `{"type":"evented","name":${json(plan.name)},"unit":"seconds","startValue":${number(start)},"events":[`,
  );
  for (let k = 0; k < n; k++) {
    const at = Math.max(last, timeline.time[k] as number);
    last = at;
    const fn = timeline.function[k] as number;
    if (timeline.kind[k] === TIMELINE_ENTER) {
      stack.push(fn);
      event('O', fn, at);
    } else {
      let depth = stack.length - 1;
      while (depth >= 0 && stack[depth] !== fn) depth--;
      if (depth < 0) dropped++;
      else {
        if (depth < stack.length - 1) dropped++;
        while (stack.length > depth) event('C', stack.pop() as number, at);
      }
    }
    if (out.full) yield out.take();
  }
  if (stack.length > 0) dropped++;
  while (stack.length > 0) event('C', stack.pop() as number, last);
  out.add(`\n],"endValue":${number(last)}}`);
  if (dropped > 0) {
    context.warn({
      code: 'unbalanced-timeline',
      message: `${plan.name}: the timeline's enter/exit events do not nest; unmatched exits were dropped and open frames closed`,
    });
  }
}

function* sampled(
  plan: Extract<Plan, { kind: 'sampled' }>,
  prunedFrame: number,
  out: Chunks,
): Generator<string> {
  const frames = plan.frames;
  const weights: number[] = [];
  let total = 0;
  // Weights counted in samples have no unit speedscope knows: `none` (it shows counts).
  const unit = costUnitOf(plan.profile) === 'samples' ? 'none' : 'seconds';
  out.add(
    `{"type":"sampled","name":${json(plan.name)},"unit":"${unit}","startValue":0,"samples":[`,
  );
  // Each frame index's text, made once per function (the stacks repeat them 4 million
  // times on the 100k-function dump).
  const indexText: Array<string | undefined> = [];
  const frame = (fn: number): string => {
    const slot = fn === BUDGET_FRAME ? frames.length : fn;
    let text = indexText[slot];
    if (text === undefined) {
      text = String(fn === BUDGET_FRAME ? prunedFrame : (frames[fn] as number));
      indexText[slot] = text;
    }
    return text;
  };
  for (const { text, weight } of stackTexts(plan.stacks, frame, ',')) {
    out.add(`${weights.length === 0 ? '\n' : ',\n'}[${text}]`);
    weights.push(weight);
    total += weight;
    if (out.full) yield out.take();
  }
  out.add('\n],"weights":[');
  for (let k = 0; k < weights.length; k++) {
    out.add(k === 0 ? number(weights[k] as number) : `,${number(weights[k] as number)}`);
    if (out.full) yield out.take();
  }
  out.add(`],"endValue":${number(total)}}`);
}

/** Writes a profile set as speedscope JSON, in chunks. */
export function* writeSpeedscope(
  set: ProfileSet,
  options: SpeedscopeOptions,
  context: WriteContext,
): Generator<OutputChunk> {
  const parts = set.parts.length > 0 ? set.parts : [set.whole];
  const name = context.inputName ?? set.whole.metadata.sourceName ?? 'profile';
  const frames = buildFrames(set, parts, context);
  const plans = plan(parts, frames, options, context, name);
  const usesPruned = plans.some(
    (p) => p.kind === 'sampled' && p.stacks.function.includes(BUDGET_FRAME),
  );
  if (usesPruned) {
    frames.prunedFrame = frames.json.length;
    frames.json.push(`{"name":${json(PRUNED_NAME)}}`);
  }
  const out = new Chunks();
  out.add(`{"$schema":${json(SPEEDSCOPE_SCHEMA)},"name":${json(name)}`);
  out.add(`,"exporter":${json(context.producer ?? 'pyprof')},"activeProfileIndex":0`);
  out.add(',"shared":{"frames":[');
  for (let k = 0; k < frames.json.length; k++) {
    out.add(`${k === 0 ? '\n' : ',\n'}${frames.json[k]}`);
    if (out.full) yield out.take();
  }
  out.add('\n]},"profiles":[\n');
  for (let k = 0; k < plans.length; k++) {
    const p = plans[k] as Plan;
    if (k > 0) out.add(',\n');
    if (p.kind === 'evented') yield* evented(p, out, context);
    else yield* sampled(p, frames.prunedFrame, out);
  }
  out.add('\n]}\n');
  yield out.take();
}

/** The default `--evented-limit`: longer timelines are written as their exact call tree. */
export const DEFAULT_EVENTED_LIMIT = 1_000_000;

/**
 * What the writer will use for the given options (the CLI passes it to the readers). In
 * `auto` mode a timeline longer than `--evented-limit` is written as its call tree, so
 * readers may drop it past that many events (`timelineLimit`).
 */
export function speedscopeNeeds(options: Partial<SpeedscopeOptions> = {}): OutputNeeds {
  const stacks = stacksNeed(options);
  switch (options.mode ?? 'auto') {
    case 'reconstructed':
      return { stacks };
    case 'evented':
      return { timeline: true, stacks };
    case 'sampled':
      return { callTree: true, stacks };
    default:
      return {
        timeline: true,
        callTree: true,
        timelineLimit: options['evented-limit'] ?? DEFAULT_EVENTED_LIMIT,
        stacks,
      };
  }
}

/** The stacks the options ask for (sampled profiles). */
function stacksNeed(options: Partial<SpeedscopeOptions>): StacksNeed {
  return {
    maxFrames: options['max-frames'] ?? DEFAULT_MAX_FRAMES,
    maxDepth: options['max-depth'] ?? DEFAULT_MAX_DEPTH,
    from: options.mode === 'reconstructed' ? 'call-graph' : 'auto',
  };
}
