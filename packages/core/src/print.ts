/**
 * `printProfile` is the canonical text dump of a profile: deterministic, line-oriented,
 * exact (numbers in JavaScript's shortest round-trip form, so a float prints the same
 * digits whenever it holds the same bits; absent values print as `-`; byte arrays as their
 * length and hash). Reader golden files are these dumps (like pprof's `.string` and
 * pandoc's `.native`).
 */
import { FUNCTION_KINDS, type Profile, type ProfileSet } from './profile.js';

function num(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

function str(value: string): string {
  return JSON.stringify(value);
}

/**
 * Byte arrays in details (a code object's marshal bytes) print as their length and an
 * FNV-1a hash: exact enough to show any change, short enough for a golden file.
 */
function printBytes(_key: string, value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  let hash = 0x811c9dc5;
  for (let k = 0; k < value.length; k++) {
    hash ^= value[k] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return `${value.length} bytes, fnv1a ${(hash >>> 0).toString(16).padStart(8, '0')}`;
}

export interface PrintOptions {
  /** Print at most this many timeline events (default: all). */
  maxTimelineEvents?: number;
}

export function printProfile(profile: Profile, options: PrintOptions = {}): string {
  const out: string[] = [];
  const s = profile.strings;
  out.push(`pyprof-ir ${profile.irVersion}`);
  const { info, ...meta } = profile.metadata;
  for (const key of Object.keys(meta).sort()) {
    const value = (meta as Record<string, unknown>)[key];
    if (value !== undefined)
      out.push(`meta ${key} ${typeof value === 'string' ? str(value) : String(value)}`);
  }
  for (const [key, value] of info ?? []) out.push(`info ${str(key)} ${str(value)}`);
  const fns = profile.functions;
  out.push(`functions ${fns.length}`);
  for (let i = 0; i < fns.length; i++) {
    out.push(
      `f${i} ${FUNCTION_KINDS[fns.kind[i] as number]} ${str(s[fns.file[i] as number] as string)} ${fns.line[i]} ${str(
        s[fns.name[i] as number] as string,
      )} module=${str(s[fns.module[i] as number] as string)} calls=${num(fns.callCount[i] as number)} primitive=${num(
        fns.primitiveCallCount[i] as number,
      )} self=${num(fns.selfTime[i] as number)} inclusive=${num(fns.inclusiveTime[i] as number)}`,
    );
    const details = fns.details.get(i);
    if (details) out.push(`  details ${JSON.stringify(details, printBytes)}`);
  }
  const calls = profile.calls;
  out.push(`calls ${calls.length}`);
  for (let e = 0; e < calls.length; e++) {
    out.push(
      `c${e} f${calls.caller[e]} -> f${calls.callee[e]} calls=${num(calls.callCount[e] as number)} primitive=${num(
        calls.primitiveCallCount[e] as number,
      )} self=${num(calls.selfTime[e] as number)} inclusive=${num(calls.inclusiveTime[e] as number)}`,
    );
  }
  const lines = profile.lines;
  if (lines) {
    out.push(`lines ${lines.length}${lines.hitsMeasured ? ' (hits measured)' : ''}`);
    for (let k = 0; k < lines.length; k++) {
      out.push(
        `l${k} f${lines.function[k]}:${lines.line[k]} hits=${num(lines.hits[k] as number)} self=${num(lines.selfTime[k] as number)}`,
      );
    }
  }
  const sites = profile.callSites;
  if (sites) {
    out.push(`call-sites ${sites.length}`);
    for (let k = 0; k < sites.length; k++) {
      out.push(
        `s${k} c${sites.call[k]} line=${sites.line[k]} calls=${num(sites.callCount[k] as number)} inclusive=${num(
          sites.inclusiveTime[k] as number,
        )}`,
      );
    }
  }
  const tree = profile.callTree;
  if (tree) {
    out.push(`call-tree ${tree.length}`);
    for (let k = 0; k < tree.length; k++) {
      out.push(
        `n${k} parent=${tree.parent[k]} f${tree.function[k]} calls=${num(tree.callCount[k] as number)} self=${num(tree.selfTime[k] as number)}`,
      );
    }
  }
  const timeline = profile.timeline;
  if (timeline) {
    const shown = Math.min(timeline.length, options.maxTimelineEvents ?? timeline.length);
    out.push(`timeline ${timeline.length}`);
    for (let k = 0; k < shown; k++) {
      out.push(
        `${timeline.kind[k] === 0 ? 'enter' : 'exit'} f${timeline.function[k]} at=${num(timeline.time[k] as number)}`,
      );
    }
    if (shown < timeline.length) out.push(`… ${timeline.length - shown} more events`);
  }
  return `${out.join('\n')}\n`;
}

/** Dumps every part of a set, then its whole when it differs from the single part. */
export function printProfileSet(set: ProfileSet, options: PrintOptions = {}): string {
  const parts = set.parts.map((p, i) => `# part ${i}\n${printProfile(p, options)}`);
  if (set.parts.length === 1 && set.whole === set.parts[0]) return parts.join('');
  return `${parts.join('')}# whole\n${printProfile(set.whole, options)}`;
}
