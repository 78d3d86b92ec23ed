// Reads a pprof file back the way `go tool pprof` does (specs/pprof.md §3–4), for tests
// that check a writer's numbers without Go (exported from the testkit): the validity checks Go makes on load, then
// per function name (Go's default identity) flat = Σ values of samples whose leaf it is
// and cum = Σ values of samples that contain it at least once, on the default sample type.
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

/** A decoded integer as a signed number (pprof-format gives unsigned bigints above 4 bytes). */
const int = (value: number | bigint): number =>
  typeof value === 'bigint' ? Number(BigInt.asIntN(64, value)) : value;

export interface PprofFunctionRecord {
  id: number;
  name: string;
  systemName: string;
  file: string;
  startLine: number;
}

export interface PprofSampleRecord {
  /** Function names, leaf first (one Line per Location). */
  stack: string[];
  /** Location ids, leaf first. */
  locations: number[];
  values: number[];
  labels: Record<string, string | number>;
}

export interface PprofReading {
  profile: Profile;
  strings: readonly string[];
  sampleTypes: Array<[string, string]>;
  /** Index of the sample type Go shows by default. */
  sampleIndex: number;
  comments: string[];
  functions: PprofFunctionRecord[];
  samples: PprofSampleRecord[];
  /** Per function name, on the default sample type. */
  flat: Map<string, number>;
  cum: Map<string, number>;
  total: number;
  durationNanos: number;
  timeNanos: number;
  period: number;
  periodType: [string, string] | undefined;
  addresses: number[];
}

/** Decodes (gunzipping if needed), validates like Go and sums like `go tool pprof -top`. */
export function readPprof(
  bytes: Uint8Array,
  sampleIndex?: number,
  options: { allowEmpty?: boolean } = {},
): PprofReading {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  const profile = Profile.decode(raw);
  const strings = profile.stringTable.strings;
  if (strings[0] !== '') throw new Error('string_table[0] is not ""');
  const text = (index: number | bigint) => {
    const i = int(index);
    if (i < 0 || i >= strings.length) throw new Error(`string index ${i} out of range`);
    return strings[i] as string;
  };
  const sampleTypes = profile.sampleType.map(
    (t) => [text(t.type), text(t.unit)] as [string, string],
  );
  if (sampleTypes.length === 0) throw new Error('missing sample type information');
  let index = sampleIndex ?? sampleTypes.length - 1;
  if (sampleIndex === undefined && int(profile.defaultSampleType) !== 0) {
    const wanted = text(profile.defaultSampleType);
    index = sampleTypes.findIndex(([type]) => type === wanted);
    if (index < 0) throw new Error(`default_sample_type ${wanted} is no sample type`);
  }
  const functions = new Map<number, PprofFunctionRecord>();
  for (const f of profile.function) {
    const id = int(f.id);
    if (id === 0 || functions.has(id)) throw new Error(`function id ${id} reserved or repeated`);
    functions.set(id, {
      id,
      name: text(f.name),
      systemName: text(f.systemName),
      file: text(f.filename),
      startLine: int(f.startLine),
    });
  }
  const locations = new Map<number, string[]>();
  const addresses: number[] = [];
  for (const l of profile.location) {
    const id = int(l.id);
    if (id === 0 || locations.has(id)) throw new Error(`location id ${id} reserved or repeated`);
    addresses.push(int(l.address));
    locations.set(
      id,
      l.line.map((line) => {
        const f = functions.get(int(line.functionId));
        if (!f) throw new Error(`location ${id} names function ${int(line.functionId)}`);
        return f.name;
      }),
    );
  }
  const flat = new Map<string, number>();
  const cum = new Map<string, number>();
  let total = 0;
  const samples: PprofSampleRecord[] = profile.sample.map((s) => {
    if (s.value.length !== sampleTypes.length)
      throw new Error(
        `mismatch: sample has ${s.value.length} values vs. ${sampleTypes.length} types`,
      );
    const values = s.value.map(int);
    const ids = s.locationId.map(int);
    const stack: string[] = [];
    for (const id of ids) {
      const names = locations.get(id);
      if (!names) throw new Error(`sample names location ${id}`);
      stack.push(...names);
    }
    const labels: Record<string, string | number> = {};
    for (const label of s.label) {
      const key = text(label.key);
      if (int(label.str) !== 0) labels[key] = text(label.str);
      else labels[key] = int(label.num);
    }
    const value = values[index] as number;
    total += value;
    if (stack.length > 0) flat.set(stack[0] as string, (flat.get(stack[0] as string) ?? 0) + value);
    for (const name of new Set(stack)) cum.set(name, (cum.get(name) ?? 0) + value);
    return { stack, locations: ids, values, labels };
  });
  if (samples.length === 0 && !options.allowEmpty) throw new Error('profile has no samples');
  return {
    profile,
    strings,
    sampleTypes,
    sampleIndex: index,
    comments: profile.comment.map(text),
    functions: [...functions.values()],
    samples,
    flat,
    cum,
    total,
    durationNanos: int(profile.durationNanos),
    timeNanos: int(profile.timeNanos),
    period: int(profile.period),
    periodType: profile.periodType
      ? [text(profile.periodType.type), text(profile.periodType.unit)]
      : undefined,
    addresses,
  };
}
