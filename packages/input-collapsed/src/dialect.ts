/**
 * The dialects of collapsed ("folded") stacks and how each line of one is read
 * (specs/collapsed.md). A line is `frame;frame;… N`: the stack root first, then one or more
 * numbers. The dialect, decided once from the first lines of a file (never line by line:
 * `a;b 1 2` is a differential line in difffolded output but a frame `b 1` elsewhere), says
 *
 * - which of the trailing numbers is the weight (difffolded: the second; austin 1 `-f`:
 *   the first of three; austin 3 `-f`: the first of `µs,idle,rss`), and whether weights are
 *   time (austin: µs; flameprof: µs at its default `--log-mult`) or samples;
 * - which leading frames are processes and threads, not code (`Thread 7f…`, `P12;T3`,
 *   `process 12:"cmd"`, `thread (34): name`, `tid:34`) — they make the profile's parts;
 * - how a frame names its code: `name (file:line)`, `name (file)` followed by a separate
 *   `L<line>` frame (austin 1 and 2), `file:name:line` (austin 3, CPython's sampler, which
 *   writes only the file's basename), `file:line:name` (flameprof, whose line is the
 *   function's first line, not the executing one), or a plain name (flamegraph.pl, inferno
 *   and anything unknown: the frame text is kept as the name);
 * - whether the line in a frame is the line being executed (sampled stacks) or the
 *   function's first line (flameprof).
 *
 * Frames are parsed from the right, so names and Windows paths may hold `:` and `(`.
 */

export type DialectName =
  | 'austin1'
  | 'austin2'
  | 'austin3'
  | 'py-spy'
  | 'cpython'
  | 'flameprof'
  | 'difffolded'
  | 'folded';

export interface Dialect {
  readonly name: DialectName;
  /** What wrote it, for the metadata; undefined for generic folded stacks. */
  readonly producer: string | undefined;
  /** Unit of the weights, unless the `weights` option says otherwise. */
  readonly weights: 'us' | 'samples';
  /** Whether a frame's line is the line executing, or the function's first line. */
  readonly lines: 'executing' | 'first';
  /** How many numbers end a sample line, and which of them (0 = first) is the weight. */
  readonly numbers: number;
  readonly weightIndex: number;
  /** The weight token is `a,b,c` (austin 3 full mode): its first field is the weight. */
  readonly commaFields: boolean;
}

const DIALECTS: Readonly<Record<DialectName, Omit<Dialect, 'name' | 'numbers' | 'weightIndex'>>> = {
  austin1: { producer: 'austin', weights: 'us', lines: 'executing', commaFields: false },
  austin2: { producer: 'austin', weights: 'us', lines: 'executing', commaFields: false },
  austin3: { producer: 'austin', weights: 'us', lines: 'executing', commaFields: true },
  'py-spy': { producer: 'py-spy', weights: 'samples', lines: 'executing', commaFields: false },
  cpython: {
    producer: 'CPython profiling.sampling',
    weights: 'samples',
    lines: 'executing',
    commaFields: false,
  },
  flameprof: { producer: 'flameprof', weights: 'us', lines: 'first', commaFields: false },
  difffolded: {
    producer: 'difffolded.pl',
    weights: 'samples',
    lines: 'executing',
    commaFields: false,
  },
  folded: { producer: undefined, weights: 'samples', lines: 'executing', commaFields: false },
};

export function dialect(name: DialectName, numbers = 1): Dialect {
  // difffolded: `stack old new`, the new count is the weight (flamegraph.pl sizes by it);
  // austin 1 `-f`: `stack µs +KB -KB`, the time is the weight.
  const weightIndex = name === 'difffolded' ? numbers - 1 : 0;
  return { name, ...DIALECTS[name], numbers, weightIndex };
}

/** One sample line split into its stack text and its numbers (undefined: not a sample line). */
export interface SampleLine {
  stack: string;
  numbers: string[];
}

const NUMBER = /^\d+(?:\.\d*)?$/;
const FIELDS = /^-?\d+(?:\.\d*)?(?:,-?\d+(?:\.\d*)?)+$/;
const SIGNED = /^-\d+(?:\.\d*)?$/;

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * Splits `line` into stack text and its last `count` whitespace-separated tokens, or
 * undefined when it does not end in that many numbers. `loose`: any number-like token
 * (signed, comma fields) counts, for dialect detection and error messages.
 */
export function splitSample(line: string, count: number, loose = false): SampleLine | undefined {
  const numbers: string[] = [];
  let end = line.length;
  for (let k = 0; k < count; k++) {
    while (end > 0 && isBlank(line.charCodeAt(end - 1))) end--;
    let start = end;
    while (start > 0 && !isBlank(line.charCodeAt(start - 1))) start--;
    if (start === end) return undefined;
    const token = line.slice(start, end);
    if (!NUMBER.test(token) && !(loose && (FIELDS.test(token) || SIGNED.test(token))))
      return undefined;
    numbers.unshift(token);
    // A number must follow whitespace (flamegraph.pl's `\s+?`): a line that is only a
    // number is no sample.
    if (start === 0 || !isBlank(line.charCodeAt(start - 1))) return undefined;
    end = start;
  }
  while (end > 0 && isBlank(line.charCodeAt(end - 1))) end--;
  return { stack: line.slice(0, end), numbers };
}

/** How many number tokens `line` ends with (loosely: signed and comma fields count). */
export function trailingNumbers(line: string, most = 3): number {
  let count = 0;
  while (count < most && splitSample(line, count + 1, true)) count++;
  return count;
}

// ---- prefixes: processes and threads ------------------------------------------------

export interface Prefix {
  process?: string;
  /** Command line of the process (py-spy `--subprocesses`). */
  command?: string;
  thread?: string;
  /** Thread name (py-spy `thread (id): name`). */
  threadName?: string;
  /** Frames the prefix used. */
  used: number;
}

const AUSTIN1_PROCESS = /^Process (\d+)$/;
const AUSTIN1_THREAD = /^Thread ([0-9a-fA-F]+)$/;
const AUSTIN_PROCESS = /^P(\d+)$/;
const AUSTIN2_THREAD = /^T([0-9a-fA-F]+)$/;
const AUSTIN3_THREAD = /^T((?:\d+:)?[0-9a-fA-F]+)$/;
const PYSPY_PROCESS = /^process (\d+):"(.*)"$/;
const PYSPY_THREAD = /^thread \(([0-9A-Za-z]+)\)(?:: (.*))?$/;
const CPYTHON_THREAD = /^tid:(\d+)$/;

/** The process and thread frames at the start of `frames`, as the dialect writes them. */
export function readPrefix(frames: readonly string[], name: DialectName): Prefix {
  const prefix: Prefix = { used: 0 };
  const next = (): string | undefined => frames[prefix.used];
  let match: RegExpExecArray | null;
  switch (name) {
    case 'austin1': {
      match = AUSTIN1_PROCESS.exec(next() ?? '');
      if (match) {
        prefix.process = match[1] as string;
        prefix.used++;
      }
      match = AUSTIN1_THREAD.exec(next() ?? '');
      if (match) {
        prefix.thread = match[1] as string;
        prefix.used++;
      }
      break;
    }
    case 'austin2':
    case 'austin3': {
      match = AUSTIN_PROCESS.exec(next() ?? '');
      if (match) {
        prefix.process = match[1] as string;
        prefix.used++;
      }
      match = (name === 'austin2' ? AUSTIN2_THREAD : AUSTIN3_THREAD).exec(next() ?? '');
      if (match) {
        prefix.thread = match[1] as string;
        prefix.used++;
      }
      break;
    }
    case 'py-spy': {
      // Parents first; the last process is the one the thread belongs to.
      const processes: string[] = [];
      for (;;) {
        match = PYSPY_PROCESS.exec(next() ?? '');
        if (!match) break;
        processes.push(match[1] as string);
        prefix.command = match[2] as string;
        prefix.used++;
      }
      if (processes.length > 0) prefix.process = processes.join('/');
      match = PYSPY_THREAD.exec(next() ?? '');
      if (match) {
        prefix.thread = match[1] as string;
        if (match[2] !== undefined) prefix.threadName = match[2];
        prefix.used++;
      }
      break;
    }
    case 'cpython': {
      match = CPYTHON_THREAD.exec(next() ?? '');
      if (match) {
        prefix.thread = match[1] as string;
        prefix.used++;
      }
      break;
    }
    default:
      break;
  }
  return prefix;
}

// ---- frames -----------------------------------------------------------------------------

export type FrameKind = 'python' | 'builtin' | 'synthetic';

export interface Frame {
  name: string;
  file: string;
  /** The line the frame shows (executing or first, per dialect); 0 = not recorded. */
  line: number;
  kind: FrameKind;
}

const LINE_FRAME = /^L(\d+)$/;
const DIGITS = /^\d+$/;
/** Lines beyond this are not line numbers (a Python file cannot have that many lines). */
const MAX_LINE = 2 ** 31 - 1;

function lineNumber(text: string): number {
  const n = Number(text);
  return n <= MAX_LINE ? n : 0;
}

/** `L<n>` (austin's separate line frames): the line, or -1 when `text` is no line frame. */
export function lineFrame(text: string): number {
  const match = LINE_FRAME.exec(text);
  return match ? lineNumber(match[1] as string) : -1;
}

/** `name (inside)` → [name, inside], parsed from the right; undefined if not that shape. */
function parenthesised(text: string): [string, string] | undefined {
  if (text.charCodeAt(text.length - 1) !== 41 /* ) */) return undefined;
  const open = text.lastIndexOf(' (');
  if (open <= 0) return undefined;
  return [text.slice(0, open), text.slice(open + 2, -1)];
}

/** `file:line` → [file, line] from the right, or [inside, 0]. */
function fileAndLine(inside: string): [string, number] {
  const colon = inside.lastIndexOf(':');
  if (colon > 0 && DIGITS.test(inside.slice(colon + 1)))
    return [inside.slice(0, colon), lineNumber(inside.slice(colon + 1))];
  return [inside, 0];
}

function plain(text: string): Frame {
  return { name: text, file: '', line: 0, kind: 'python' };
}

/** A frame of Python code, or a built-in for pstats' `~` file with line 0. */
function code(name: string, file: string, line: number): Frame {
  if (file === '~' && line === 0) return { name, file, line, kind: 'builtin' };
  return { name, file, line, kind: 'python' };
}

/** The synthetic frames samplers write for what is not Python code. */
const SPECIAL_FRAMES: Readonly<Record<string, string>> = {
  'Bad sample': '(bad sample)',
  ':INVALID:': '(bad sample)',
  ':GC:': '(garbage collection)',
};

/**
 * Parses one code frame of `dialect` (prefix frames and austin's `L<n>` frames are dealt
 * with by the caller). Unknown text is kept whole as the name.
 */
export function parseFrame(text: string, name: DialectName): Frame {
  const special = SPECIAL_FRAMES[text];
  if (special !== undefined && (name === 'austin1' || name === 'austin2' || name === 'austin3'))
    return { name: special, file: '', line: 0, kind: 'synthetic' };
  switch (name) {
    case 'austin1':
    case 'austin2':
    case 'py-spy': {
      const parts = parenthesised(text);
      if (!parts) return plain(text);
      const [file, line] = fileAndLine(parts[1]);
      return code(parts[0], file, line);
    }
    case 'austin3':
    case 'cpython': {
      // file:name:line — the file may hold `:` (Windows), the name may not.
      const last = text.lastIndexOf(':');
      if (last > 0 && DIGITS.test(text.slice(last + 1))) {
        const middle = text.lastIndexOf(':', last - 1);
        if (middle > 0)
          return code(
            text.slice(middle + 1, last),
            text.slice(0, middle),
            lineNumber(text.slice(last + 1)),
          );
      } else if (name === 'austin3' && last > 0) {
        // austin 3.0–3.4 `-a`: `file:name` and a separate `L<line>` frame.
        return code(text.slice(last + 1), text.slice(0, last), 0);
      }
      // CPython writes pstats' built-in key (`~`, 0) as the bare name (`<GC>`, `<native>`).
      if (name === 'cpython') return code(text, '~', 0);
      return plain(text);
    }
    case 'flameprof': {
      // file:line:name, pstats' key: the first `:digits:` group ends the file (a Windows
      // drive's `C:` is no such group).
      const match = /^(.*?):(\d+):(.*)$/s.exec(text);
      if (!match) return plain(text);
      return code(match[3] as string, match[1] as string, lineNumber(match[2] as string));
    }
    default:
      return plain(text);
  }
}

// ---- detection --------------------------------------------------------------------------

const AUSTIN3_META = /^# ([A-Za-z][\w ]*): ?(.*)$/;
/** An austin 1 line's prefix: `Thread <id>` (after `Process <pid>;`), then frames or the numbers. */
const AUSTIN1_LINE = /^(?:Process \d+;)?Thread [0-9a-fA-F]+(?=[; \t])/;

/** An austin 3 metadata line `# key: value`, or undefined. */
export function metadataLine(line: string): [string, string] | undefined {
  const match = AUSTIN3_META.exec(line);
  return match ? [match[1] as string, match[2] as string] : undefined;
}

/**
 * Decides the dialect from the first lines of a file (empty lines left out). Returns
 * the dialect and how sure the decision is: `certain` when a dialect's own prefix or
 * header is there, `likely` for frames that merely look right or plain folded stacks,
 * undefined when some line is no sample line at all.
 */
export function detectDialect(
  lines: readonly string[],
): { dialect: Dialect; confidence: 'certain' | 'likely' } | undefined {
  const samples: string[] = [];
  let austin3Header = false;
  for (const line of lines) {
    if (metadataLine(line)) {
      if (line.startsWith('# austin:')) austin3Header = true;
      samples.push('');
      continue;
    }
    samples.push(line);
  }
  const real = samples.filter((s) => s !== '');
  const metaLines = samples.length - real.length;
  if (austin3Header) return { dialect: dialect('austin3', 1), confidence: 'certain' };
  if (real.length === 0 || metaLines > 0) return undefined;
  if (real.every((line) => AUSTIN1_LINE.test(line))) {
    // The thread id may be all digits: count the numbers after it. `-f` (full metrics)
    // writes three: µs, +KB, -KB.
    const after = real.map((line) => trailingNumbers(line.replace(AUSTIN1_LINE, 'Thread')));
    if (after.some((c) => c === 0)) return undefined;
    const full = after.every((c) => c === 3);
    return { dialect: dialect('austin1', full ? 3 : 1), confidence: 'certain' };
  }
  const counts = real.map((line) => trailingNumbers(line));
  if (counts.some((c) => c === 0)) return undefined;
  const stacks = real.map((line, k) => {
    const split = splitSample(line, counts[k] as number, true);
    return (split?.stack ?? '').split(';');
  });
  const all = (test: (frames: string[], k: number) => boolean) => stacks.every(test);
  const uniform = (n: number) => counts.every((c) => c === n);

  if (all((f) => /^P\d+$/.test(f[0] ?? '') && /^T(?:\d+:)?[0-9a-fA-F]+$/.test(f[1] ?? ''))) {
    // austin 2 frames are `name (file)` or `name (file:line)`; austin 3 `file:name:line`.
    const frames = stacks.flatMap((f) => f.slice(2)).filter((f) => !LINE_FRAME.test(f));
    const old = frames.length > 0 && frames.every((f) => parenthesised(f) !== undefined);
    return { dialect: dialect(old ? 'austin2' : 'austin3', 1), confidence: 'certain' };
  }
  if (!uniform(1)) {
    if (uniform(2)) return { dialect: dialect('difffolded', 2), confidence: 'likely' };
    return undefined;
  }
  if (real.some((line) => !splitSample(line, 1))) return undefined;
  if (all((f) => CPYTHON_THREAD.test(f[0] ?? '')))
    return { dialect: dialect('cpython'), confidence: 'certain' };
  if (all((f) => PYSPY_PROCESS.test(f[0] ?? '') || PYSPY_THREAD.test(f[0] ?? '')))
    return { dialect: dialect('py-spy'), confidence: 'certain' };
  const frames = stacks.flat();
  if (frames.length > 0 && frames.every((f) => parenthesised(f) !== undefined))
    return { dialect: dialect('py-spy'), confidence: 'likely' };
  if (frames.length > 0 && frames.every((f) => /^.+:\d+:.+$/s.test(f) && !/:\d+$/.test(f)))
    return { dialect: dialect('flameprof'), confidence: 'likely' };
  if (frames.length > 0 && frames.every((f) => /^.+:.+:\d+$/s.test(f)))
    return { dialect: dialect('cpython'), confidence: 'likely' };
  return { dialect: dialect('folded'), confidence: 'likely' };
}
