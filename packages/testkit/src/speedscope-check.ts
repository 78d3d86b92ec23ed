// What a speedscope file must satisfy to open in the app: the JSON schema shipped in the
// `speedscope` npm package (draft-07; a copy in schemas/, checked with ajv) plus the
// importer's own rules the schema cannot say (specs/speedscope.md §3–4: integer frame
// indices in range, weights finite and > 0, samples.length == weights.length, events
// ordered and balanced, endValue ≥ startValue). Also: per-frame self time and totals as
// speedscope computes them, and the map from frames back to the profile's functions, for
// conservation tests. Exported from the testkit for any speedscope writer's tests.
import { readFileSync } from 'node:fs';
import {
  functionFile,
  functionName,
  type Profile,
  type ProfileSet,
  uniqueFunctionNames,
} from '@pyprof/core';
import { Ajv } from 'ajv';

// speedscope 1.25.0's published schema, copied into the package (schemas/README.md).
const schema = JSON.parse(
  readFileSync(new URL('../schemas/speedscope-file-format-schema.json', import.meta.url), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

export interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}
export interface SpeedscopeEventedProfile {
  type: 'evented';
  name: string;
  unit: string;
  startValue: number;
  endValue: number;
  events: Array<{ type: 'O' | 'C'; frame: number; at: number }>;
}
export interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  unit: string;
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}
export type SpeedscopeProfile = SpeedscopeEventedProfile | SpeedscopeSampledProfile;
export interface SpeedscopeFile {
  $schema: string;
  name?: string;
  exporter?: string;
  activeProfileIndex?: number;
  shared: { frames: SpeedscopeFrame[] };
  profiles: SpeedscopeProfile[];
}

const isIndex = (value: unknown, length: number) =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) < length;

/** Every way `text` would fail to open in speedscope ([] when it opens). */
export function speedscopeProblems(text: string): string[] {
  let file: SpeedscopeFile;
  try {
    file = JSON.parse(text) as SpeedscopeFile;
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  if (!validate(file)) {
    for (const e of validate.errors ?? []) problems.push(`schema: ${e.instancePath} ${e.message}`);
    return problems;
  }
  const frameCount = file.shared.frames.length;
  if (file.profiles.length === 0) problems.push('no profiles (the importer reads profiles[0])');
  if (
    file.activeProfileIndex !== undefined &&
    !isIndex(file.activeProfileIndex, file.profiles.length)
  )
    problems.push(`activeProfileIndex ${file.activeProfileIndex} out of range`);
  file.profiles.forEach((profile, p) => {
    const where = `profile ${p}`;
    if (!(profile.endValue >= profile.startValue)) problems.push(`${where}: endValue < startValue`);
    if (profile.type === 'evented') {
      const open: number[] = [];
      let last = profile.startValue;
      profile.events.forEach((event, k) => {
        if (!isIndex(event.frame, frameCount))
          problems.push(`${where} event ${k}: frame ${event.frame} out of range`);
        if (!Number.isFinite(event.at) || event.at < last)
          problems.push(`${where} event ${k}: at ${event.at} before ${last}`);
        last = Math.max(last, event.at);
        if (event.type === 'O') open.push(event.frame);
        else if (open.pop() !== event.frame)
          problems.push(`${where} event ${k}: close does not match the open frame`);
      });
      if (open.length > 0) problems.push(`${where}: ${open.length} frames left open`);
    } else {
      if (profile.samples.length !== profile.weights.length)
        problems.push(
          `${where}: ${profile.samples.length} samples, ${profile.weights.length} weights`,
        );
      profile.weights.forEach((w, k) => {
        if (!Number.isFinite(w) || !(w > 0)) problems.push(`${where} weight ${k}: ${w}`);
      });
      profile.samples.forEach((stack, k) => {
        for (const frame of stack)
          if (!isIndex(frame, frameCount))
            problems.push(`${where} sample ${k}: frame ${frame} out of range`);
      });
    }
  });
  return problems;
}

/** Own time per frame index, as speedscope computes it (time with the frame on top). */
export function selfByFrame(profile: SpeedscopeProfile): Map<number, number> {
  const self = new Map<number, number>();
  const add = (frame: number, value: number) => self.set(frame, (self.get(frame) ?? 0) + value);
  if (profile.type === 'sampled') {
    profile.samples.forEach((stack, k) => {
      if (stack.length > 0) add(stack[stack.length - 1] as number, profile.weights[k] as number);
    });
  } else {
    const open: number[] = [];
    let last = profile.startValue;
    for (const event of profile.events) {
      if (open.length > 0) add(open[open.length - 1] as number, event.at - last);
      last = event.at;
      if (event.type === 'O') open.push(event.frame);
      else open.pop();
    }
  }
  return self;
}

/** The total speedscope shows for a profile: max(end − start, Σ weights / last event). */
export function displayedTotal(profile: SpeedscopeProfile): number {
  if (profile.type === 'sampled') {
    const sum = profile.weights.reduce((a, b) => a + b, 0);
    return Math.max(profile.endValue - profile.startValue, sum);
  }
  const lastAt =
    profile.events.length > 0 ? (profile.events.at(-1)?.at as number) : profile.startValue;
  return Math.max(profile.endValue - profile.startValue, lastAt - profile.startValue);
}

/**
 * The function of `part` each frame stands for, found by the frame's name (names are unique
 * by the writer's promise; checked here) and identity.
 */
export function frameFunctions(
  file: SpeedscopeFile,
  set: ProfileSet,
  part: Profile,
): Map<number, number> {
  const names = uniqueFunctionNames(set.whole, {
    keySuffix: () => '',
    reserved: ['(pruned)'],
  });
  const wholeByName = new Map<string, number>();
  names.forEach((name, fn) => {
    wholeByName.set(name, fn);
  });
  const key = (p: Profile, fn: number) =>
    `${functionFile(p, fn)}\u0000${p.functions.line[fn]}\u0000${functionName(p, fn)}`;
  const partByKey = new Map<string, number>();
  for (let fn = 0; fn < part.functions.length; fn++) partByKey.set(key(part, fn), fn);
  const frameNames = file.shared.frames.map((f) => f.name);
  if (new Set(frameNames).size !== frameNames.length) throw new Error('two frames share a name');
  const out = new Map<number, number>();
  file.shared.frames.forEach((frame, index) => {
    const wholeFn = wholeByName.get(frame.name);
    if (wholeFn === undefined) return;
    const fn = partByKey.get(key(set.whole, wholeFn));
    if (fn !== undefined) out.set(index, fn);
  });
  return out;
}

/**
 * Conservation problems of one written part: each function's own time must equal what the
 * stacks ending in its frame weigh, and the weights must sum to the part's total.
 */
export function conservationProblems(
  file: SpeedscopeFile,
  set: ProfileSet,
  partIndex: number,
): string[] {
  const part = set.parts[partIndex] as Profile;
  const profile = file.profiles[partIndex] as SpeedscopeProfile;
  const functions = frameFunctions(file, set, part);
  const self = selfByFrame(profile);
  const seen = new Float64Array(part.functions.length);
  const problems: string[] = [];
  let total = 0;
  let written = 0;
  for (let fn = 0; fn < part.functions.length; fn++) {
    const v = part.functions.selfTime[fn] as number;
    if (v > 0 && Number.isFinite(v)) total += v;
  }
  const tolerance = 1e-12 + 1e-9 * total;
  for (const [frame, value] of self) {
    written += value;
    const fn = functions.get(frame);
    if (fn === undefined) {
      if (Math.abs(value) > tolerance)
        problems.push(`frame ${file.shared.frames[frame]?.name}: ${value} s on no function`);
      continue;
    }
    seen[fn] = (seen[fn] as number) + value;
  }
  for (let fn = 0; fn < part.functions.length; fn++) {
    const v = part.functions.selfTime[fn] as number;
    const expected = v > 0 && Number.isFinite(v) ? v : 0;
    if (Math.abs((seen[fn] as number) - expected) > tolerance)
      problems.push(
        `${functionName(part, fn)} (${functionFile(part, fn)}): ${seen[fn]} s written, ${expected} s own time`,
      );
  }
  if (Math.abs(written - total) > tolerance)
    problems.push(`total ${written} s written, ${total} s own time`);
  return problems;
}
