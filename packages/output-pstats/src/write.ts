/**
 * Writes a profile set as the pstats file `pstats.Stats.dump_stats` would write for the
 * same data: one marshal dict `{(file, line, name): (cc, nc, tt, ct, callers)}`
 * (specs/pstats.md §1–§2), in the dialect of the chosen Python (options.ts, marshal.ts).
 *
 * What is written: the set's whole — one input, or the merge of several inputs in
 * `pstats.Stats(a, b, …)`'s order (the CLI merges that way), or of a pickle's threads
 * (`--thread` picks one) — through `statsFromProfile` (stats.ts), or for a hotshot log
 * the stats `hotshot.stats.load` builds (hotshot.ts). Counts are ints, times floats (bit
 * for bit), caller values 4-tuples `(nc, cc, tt, ct)` or plain counts for count-only
 * edges; the `profile` module's root keeps its int zeros.
 *
 * Refused (one-line `UNSUPPORTED_FEATURE` errors, before any byte is written): a count
 * that is not a whole number, or above 2^53, where the IR's float64 stops being exact.
 * Lossy, with warnings: a time the source did not record is written as 0.0
 * (`absent-times`); a code-object key another interpreter group wrote becomes its printed
 * form (`code-object-as-text`); count-only and 4-tuple caller values in one file, which
 * pstats prints but cannot merge with `Stats.add` (`mixed-callers`); no functions at all,
 * which pstats refuses to load (`empty-profile`); edges into functions with no entry left
 * out (`dropped-edges`, info).
 */
import {
  type CodeObjectLayout,
  type OptionValues,
  type Profile,
  ProfileError,
  type ProfileSet,
  type WriteContext,
} from '@pyprof/core';
import { codeObjectText, embedCodeObject } from './code-object.js';
import { hotshotFromCallGraph, replayHotshot } from './hotshot.js';
import { CHUNK, type EncodedText, encodeString, MarshalWriter, writeString } from './marshal.js';
import { layoutVersions, pstatsOptions, resolveTarget, type Target, versionOf } from './options.js';
import { isProfilerRoot, type StatsTable, statsFromProfile } from './stats.js';

const FORMAT = 'pstats';
const TWO_53 = 2 ** 53;

/** The stats dict for `profile`: hotshot's layout for hotshot logs, else the profile's own. */
export function statsFor(profile: Profile, context: WriteContext): StatsTable {
  if (profile.metadata.format !== 'hotshot') return statsFromProfile(profile);
  if (profile.timeline) return statsFromProfile(replayHotshot(profile));
  context.warn({
    code: 'hotshot-not-replayed',
    message:
      "the hotshot log's events were not kept (more than --replay-limit, or several logs merged): written from its call graph, whose times can differ from hotshot.stats.load in the last digits",
  });
  return statsFromProfile(hotshotFromCallGraph(profile));
}

function describeKey(table: StatsTable, key: number): string {
  const s = table.strings;
  return `${s[table.keyFile[key] as number]}:${table.keyLine[key]}(${s[table.keyName[key] as number]})`;
}

function checkCount(table: StatsTable, key: number, what: string, value: number): void {
  if (Number.isInteger(value) && value >= 0 && value <= TWO_53) return;
  const why = Number.isInteger(value)
    ? `is above 2^53, where the profile's float64 numbers stop being exact`
    : 'is not a whole number';
  throw new ProfileError(
    'UNSUPPORTED_FEATURE',
    `${what} of ${describeKey(table, key)} (${value}) ${why}; pstats counts must be exact, so nothing was written`,
    { format: FORMAT },
  );
}

/** How each key's third item is written, decided once. */
type NameForm =
  | { kind: 'text'; text: EncodedText }
  | { kind: 'code'; bytes: Uint8Array; layout: CodeObjectLayout };

/** The pstats file of `set` with `options` (see the file comment). */
export function* writePstats(
  set: ProfileSet,
  values: OptionValues,
  context: WriteContext,
): Generator<Uint8Array> {
  const options = pstatsOptions(values);
  const profile = set.whole;
  const target = resolveTarget(options.python, profile);
  const table = statsFor(profile, context);
  yield* writeTable(table, target, context);
}

/** Checks, then writes, a stats table for `target`. */
export function* writeTable(
  table: StatsTable,
  target: Target,
  context: WriteContext,
): Generator<Uint8Array> {
  const keyCount = table.keyFile.length;
  const { entries, callerStart, callerEdges } = table;
  // Checks and counts first: nothing is yielded for a profile that cannot be written.
  const uses = new Uint32Array(keyCount);
  let absentTimes = 0;
  let countOnly = 0;
  let tuples = 0;
  for (const key of entries) {
    checkCount(table, key, 'the call count', table.calls[key] as number);
    checkCount(table, key, 'the primitive call count', table.primitiveCalls[key] as number);
    if (Number.isNaN(table.selfTime[key])) absentTimes++;
    if (Number.isNaN(table.inclusiveTime[key])) absentTimes++;
    uses[key] = (uses[key] as number) + 1;
    for (let k = callerStart[key] as number; k < (callerStart[key + 1] as number); k++) {
      const edge = callerEdges[k] as number;
      const caller = table.edgeCaller[edge] as number;
      uses[caller] = (uses[caller] as number) + 1;
      checkCount(table, key, 'a caller call count', table.edgeCalls[edge] as number);
      const primitive = table.edgePrimitiveCalls[edge] as number;
      if (Number.isNaN(primitive)) {
        countOnly++;
        continue;
      }
      tuples++;
      checkCount(table, key, 'a caller primitive call count', primitive);
      if (Number.isNaN(table.edgeSelfTime[edge])) absentTimes++;
      if (Number.isNaN(table.edgeInclusiveTime[edge])) absentTimes++;
    }
  }
  if (entries.length === 0) {
    context.warn({
      code: 'empty-profile',
      message:
        'the profile has no functions: the file holds an empty dict, which pstats.Stats refuses to load',
    });
  }
  if (absentTimes > 0) {
    context.warn({
      code: 'absent-times',
      message: `${absentTimes} time${absentTimes === 1 ? '' : 's'} the source did not record written as 0.0`,
    });
  }
  if (countOnly > 0 && tuples > 0) {
    context.warn({
      code: 'mixed-callers',
      message: `${countOnly} caller value${countOnly === 1 ? ' is a plain count' : 's are plain counts'} (profile module) and ${tuples} ${tuples === 1 ? 'is a tuple' : 'are tuples'} (cProfile): pstats prints such a file but raises TypeError merging it with another`,
    });
  }
  if (table.droppedEdges > 0) {
    context.warn({
      severity: 'info',
      code: 'dropped-edges',
      message: `${table.droppedEdges} call${table.droppedEdges === 1 ? '' : 's'} into functions without an entry of their own left out, as cProfile leaves them out`,
    });
  }

  const major = target.major;
  const strings = table.strings;
  const w = new MarshalWriter(major);
  const encoded: Array<EncodedText | undefined> = new Array(strings.length);
  const textOf = (id: number): EncodedText => {
    let text = encoded[id];
    if (text === undefined) {
      text = encodeString(strings[id] as string, major);
      encoded[id] = text;
    }
    return text;
  };
  // Python 2: the profile module's C-function names ('', 0, name) are never interned.
  const plainEncoded = new Map<number, EncodedText>();
  const plainTextOf = (id: number): EncodedText => {
    let text = plainEncoded.get(id);
    if (text === undefined) {
      text = encodeString(strings[id] as string, major, true);
      plainEncoded.set(id, text);
    }
    return text;
  };
  // Python 3: shared text and keys are flagged once and referred to afterwards.
  const stringUses = major === 3 ? new Uint32Array(strings.length) : undefined;
  const stringSlot = major === 3 ? new Int32Array(strings.length).fill(-1) : undefined;
  const keySlot = new Int32Array(keyCount).fill(-1);
  const nameForm = new Map<number, NameForm>();
  for (const [key, code] of table.keyCode) {
    if (uses[key] === 0) continue;
    const marshal = code.marshal;
    if (marshal && marshal.layout === target.layout) {
      nameForm.set(key, { kind: 'code', bytes: marshal.bytes, layout: marshal.layout });
    } else {
      nameForm.set(key, { kind: 'text', text: encodeString(codeObjectText(code, major), major) });
      context.warn({
        code: 'code-object-as-text',
        message: `the profile module's key ${JSON.stringify(codeObjectText(code, major))} is written as that text: ${
          marshal
            ? `its code object (written by ${layoutVersions(marshal.layout)}) loads only there; --python ${versionOf(marshal.layout)} keeps it`
            : 'the input did not keep its code object'
        }`,
      });
    }
  }
  if (stringUses) {
    for (let key = 0; key < keyCount; key++) {
      if (uses[key] === 0) continue;
      const file = table.keyFile[key] as number;
      stringUses[file] = (stringUses[file] as number) + 1;
      if (!nameForm.has(key)) {
        const name = table.keyName[key] as number;
        stringUses[name] = (stringUses[name] as number) + 1;
      }
    }
  }

  const text = (id: number): void => {
    if (!stringSlot || !stringUses) {
      writeString(w, textOf(id), false);
      return;
    }
    const slot = stringSlot[id] as number;
    if (slot >= 0) w.reference(0x72, slot);
    else stringSlot[id] = writeString(w, textOf(id), (stringUses[id] as number) > 1);
  };
  const writeKey = (key: number): void => {
    const slot = keySlot[key] as number;
    if (slot >= 0) {
      w.reference(0x72, slot);
      return;
    }
    keySlot[key] = w.tuple(3, major === 3 && (uses[key] as number) > 1);
    text(table.keyFile[key] as number);
    w.int(table.keyLine[key] as number);
    const form = nameForm.get(key);
    if (form === undefined) {
      const name = table.keyName[key] as number;
      if (major === 2 && table.keyLine[key] === 0 && strings[table.keyFile[key] as number] === '')
        writeString(w, plainTextOf(name), false);
      else text(name);
    } else if (form.kind === 'text') writeString(w, form.text, false);
    else if (!embedCodeObject(w, form.bytes, form.layout)) {
      // Bytes that do not parse (not from our reader): the printed form, from now on.
      const code = table.keyCode.get(key);
      const fallback = encodeString(code ? codeObjectText(code, major) : '<code object>', major);
      nameForm.set(key, { kind: 'text', text: fallback });
      context.warn({
        code: 'code-object-as-text',
        message:
          "the profile module's code object does not parse as marshal data; written as its printed form",
      });
      writeString(w, fallback, false);
    }
  };
  const time = (value: number): void => w.float(Number.isNaN(value) ? 0 : value);

  if (major === 3) w.flagged(0x7b);
  else w.byte(0x7b);
  for (const key of entries) {
    writeKey(key);
    w.tuple(5);
    w.int(table.primitiveCalls[key] as number);
    w.int(table.calls[key] as number);
    const tt = table.selfTime[key] as number;
    const ct = table.inclusiveTime[key] as number;
    if (
      Object.is(tt, 0) &&
      Object.is(ct, 0) &&
      isProfilerRoot(
        strings,
        table.keyFile[key] as number,
        table.keyLine[key] as number,
        table.keyName[key] as number,
      )
    ) {
      // profile.Profile's root never returns: its times stay the int 0 it started with.
      w.int(0);
      w.int(0);
    } else {
      time(tt);
      time(ct);
    }
    w.byte(0x7b);
    for (let k = callerStart[key] as number; k < (callerStart[key + 1] as number); k++) {
      const edge = callerEdges[k] as number;
      const caller = table.edgeCaller[edge] as number;
      const primitive = table.edgePrimitiveCalls[edge] as number;
      writeKey(caller);
      if (Number.isNaN(primitive)) {
        w.int(table.edgeCalls[edge] as number);
        continue;
      }
      w.tuple(4);
      w.int(table.edgeCalls[edge] as number);
      w.int(primitive);
      time(table.edgeSelfTime[edge] as number);
      time(table.edgeInclusiveTime[edge] as number);
    }
    w.byte(0x30);
    if (w.pos >= CHUNK) yield w.take();
  }
  w.byte(0x30);
  yield w.take();
}
