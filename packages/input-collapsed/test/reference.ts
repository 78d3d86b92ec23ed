// An independent reading of austin 1 files for the oracle tests: the lines as austin wrote
// them (`Thread <id>;func (file);L<n>;… <µs>`, or with -a `func (file:n)`), and the
// numbers every output must agree with, computed straight from the lines — no tree, no
// shared code with the reader.

export interface ReferenceFrame {
  name: string;
  file: string;
  line: number;
}

export interface ReferenceLine {
  thread: string;
  frames: ReferenceFrame[];
  /** Microseconds, as written. */
  weight: number;
}

const SAMPLE = /^(.*) (\d+)$/;

export function parseAustin(text: string): ReferenceLine[] {
  const out: ReferenceLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const match = SAMPLE.exec(raw);
    if (!match) throw new Error(`not an austin sample line: ${raw}`);
    const [thread, ...rest] = (match[1] as string).split(';');
    const frames: ReferenceFrame[] = [];
    for (let k = 0; k < rest.length; k++) {
      const text = rest[k] as string;
      const call = /^(.*) \((.*)\)$/.exec(text);
      if (!call) throw new Error(`not a frame: ${text}`);
      const alt = /^(.*):(\d+)$/.exec(call[2] as string);
      if (alt) {
        frames.push({ name: call[1] as string, file: alt[1] as string, line: Number(alt[2]) });
      } else {
        const line = /^L(\d+)$/.exec(rest[k + 1] ?? '');
        if (!line) throw new Error(`no line after ${text}`);
        frames.push({ name: call[1] as string, file: call[2] as string, line: Number(line[1]) });
        k++;
      }
    }
    out.push({
      thread: (thread as string).replace(/^Thread /, ''),
      frames,
      weight: Number(match[2]),
    });
  }
  return out;
}

/** A function's key in the reference: file and name, or what `identity` makes of a frame. */
export type Identity = (frame: ReferenceFrame) => string;
export const byName: Identity = (f) => `${f.file}\u0000${f.name}`;
export const NO_FRAMES = '\u0000(no frames)';

export interface Expected {
  total: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
  /** caller → callee keys joined by `\u0001`. */
  edgeSelf: Map<string, number>;
  edgeInclusive: Map<string, number>;
  /** function key and executing line joined by `\u0001`: [weight, lines]. */
  lines: Map<string, [number, number]>;
  /** edge key and caller line joined by `\u0001`: the outermost occurrence's weight. */
  sites: Map<string, number>;
  /** function paths joined by `\u0001`: weight of the lines with exactly that path. */
  paths: Map<string, number>;
}

function add<K>(map: Map<K, number>, key: K, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

export function emptyExpected(): Expected {
  return {
    total: 0,
    self: new Map(),
    inclusive: new Map(),
    edgeSelf: new Map(),
    edgeInclusive: new Map(),
    lines: new Map(),
    sites: new Map(),
    paths: new Map(),
  };
}

/** What the lines of `threads` (all when undefined) make, under `identity`. */
export function expected(
  lines: readonly ReferenceLine[],
  identity: Identity,
  threads?: ReadonlySet<string>,
): Expected {
  const out = emptyExpected();
  for (const line of lines) {
    if (threads && !threads.has(line.thread)) continue;
    const w = line.weight;
    out.total += w;
    const keys = line.frames.length === 0 ? [NO_FRAMES] : line.frames.map(identity);
    const leaf = keys[keys.length - 1] as string;
    add(out.self, leaf, w);
    for (const key of new Set(keys)) add(out.inclusive, key, w);
    add(out.paths, keys.join('\u0001'), w);
    const top = line.frames[line.frames.length - 1];
    if (top) {
      const key = `${leaf}\u0001${top.line}`;
      const [weight, count] = out.lines.get(key) ?? [0, 0];
      out.lines.set(key, [weight + w, count + 1]);
    }
    if (keys.length >= 2) add(out.edgeSelf, `${keys[keys.length - 2]}\u0001${leaf}`, w);
    const seen = new Set<string>();
    for (let k = 0; k + 1 < keys.length; k++) {
      const edge = `${keys[k]}\u0001${keys[k + 1]}`;
      if (seen.has(edge)) continue;
      seen.add(edge);
      add(out.edgeInclusive, edge, w);
      add(out.sites, `${edge}\u0001${(line.frames[k] as ReferenceFrame).line}`, w);
    }
  }
  return out;
}
