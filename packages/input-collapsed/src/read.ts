/**
 * Collapsed stacks → ProfileSet, from a whole buffer or a stream of chunks (one code path:
 * lines go into the stack tree as they come, so a multi-gigabyte austin log needs memory
 * for its distinct stacks only). The dialect is decided from the first 50 non-empty lines
 * (held back until then); lines that are not `stack number` are skipped and counted, as
 * flamegraph.pl does (warning `invalid-lines`), but a file without a single stack line is
 * refused. Weights are the file's numbers: samples, or microseconds for austin and
 * flameprof (the `weights` option overrides), never turned into invented durations.
 */
import {
  type DiagnosticSink,
  type MetadataInput,
  malformed,
  ProfileError,
  type ProfileSet,
  ReadBudget,
  type ReadContext,
} from '@pyprof/core';
import { buildProfileSet } from './aggregate.js';
import {
  type Dialect,
  detectDialect,
  dialect,
  lineFrame,
  metadataLine,
  parseFrame,
  readPrefix,
  splitSample,
  trailingNumbers,
} from './dialect.js';
import { FORMAT } from './format.js';
import { resolveFunctions } from './identity.js';
import { LineSplitter, splitLines } from './lines.js';
import { MAX_DEPTH, StackTrie } from './stacks.js';

/** Non-empty lines the dialect is decided on. */
export const DETECTION_LINES = 50;
/** Largest weight accepted: above it sums lose integer precision. */
export const MAX_WEIGHT = 2 ** 53;

export const WEIGHTS_CHOICES = ['auto', 'samples', 's', 'ms', 'us', 'ns'] as const;
export const FRAME_LINES_CHOICES = ['auto', 'executing', 'first'] as const;
export type WeightsOption = (typeof WEIGHTS_CHOICES)[number];
export type FrameLinesOption = (typeof FRAME_LINES_CHOICES)[number];

/** The option's value when it is one of `choices` (resolveOptions made sure), else `auto`. */
function choice<T extends string>(choices: readonly T[], value: unknown): T | 'auto' {
  return choices.find((c) => c === value) ?? 'auto';
}

const DIVISORS: Readonly<Record<Exclude<WeightsOption, 'auto' | 'samples'>, number>> = {
  s: 1,
  ms: 1e3,
  us: 1e6,
  ns: 1e9,
};

const UNIT_WORDS: Readonly<Record<Exclude<WeightsOption, 'auto' | 'samples'>, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
};

/**
 * Characters of stack text remembered with their tree node (see `#stacks`); past this the
 * memory is dropped and filled again.
 */
export const STACK_CACHE_CHARS = 32 * 1024 * 1024;

/** Frame key of the node that stands for "no frames" (`;` cannot be in a frame's text). */
const NO_FRAMES_KEY = ';no frames';
export const NO_FRAMES_NAME = '(no frames)';

class Collector {
  readonly trie = new StackTrie();
  readonly #context: ReadContext;
  #dialect: Dialect | undefined;
  #early: Array<[string, number]> = [];
  readonly #info: Array<[string, string]> = [];
  #invalid = 0;
  #firstInvalid = 0;
  #samples = 0;
  #austinLines = false;
  #samplesPerLine: 'one' | 'weight' | 'unknown' = 'weight';
  /**
   * The node each stack text seen lately ends at. austin writes one line per sample, so
   * the same few thousand stacks come back millions of times; looking the whole text up
   * once instead of parsing its frames made the CLI convert a 100 MB austin log to
   * callgrind with 1.0 s of CPU instead of 2.4 s (scripts/bench/collapsed.mjs' log,
   * /usr/bin/time user time, median of 3). Bounded by `STACK_CACHE_CHARS`.
   */
  #stacks = new Map<string, number>();
  #stackChars = 0;
  /**
   * The read's budget (core's limits.ts): a frame's text is checked against its string
   * budget, and the tree's nodes and frames are charged to its rows, as each new stack
   * is added (a repeated stack adds nothing).
   */
  readonly #budget: ReadBudget;
  readonly #stringBytes: number;
  #rowsCharged = 0;

  constructor(context: ReadContext, budget: ReadBudget) {
    this.#context = context;
    this.#budget = budget;
    this.#stringBytes = budget.limits.stringBytes;
  }

  line = (text: string, number: number): void => {
    if (this.#dialect) {
      this.#take(text, number);
      return;
    }
    if (text.trim() === '') return;
    this.#early.push([text, number]);
    if (this.#early.length >= DETECTION_LINES) this.#decide();
  };

  #decide(): void {
    const texts = this.#early.map(([text]) => text);
    const found =
      detectDialect(texts) ??
      detectDialect(texts.filter((t) => metadataLine(t) !== undefined || trailingNumbers(t) > 0));
    const chosen = found?.dialect ?? dialect('folded');
    this.#dialect = chosen;
    this.#austinLines =
      chosen.name === 'austin1' || chosen.name === 'austin2' || chosen.name === 'austin3';
    const weights = this.#weights();
    this.#samplesPerLine = this.#austinLines
      ? 'one'
      : (weights === 'auto' ? chosen.weights : weights) === 'samples'
        ? 'weight'
        : 'unknown';
    const early = this.#early;
    this.#early = [];
    for (const [text, number] of early) this.#take(text, number);
  }

  #weights(): WeightsOption {
    return choice(WEIGHTS_CHOICES, this.#context.options.weights);
  }

  #take(text: string, number: number): void {
    const d = this.#dialect as Dialect;
    if (d.name === 'austin3') {
      const meta = metadataLine(text);
      if (meta) {
        this.#info.push(meta);
        if (meta[0] === 'mode' && meta[1].trim() === 'memory')
          throw new ProfileError(
            'UNSUPPORTED_FEATURE',
            'austin memory profiles (mode: memory) are not supported: their numbers are bytes, not time or samples',
            { format: FORMAT, place: { line: number } },
          );
        return;
      }
    }
    // Loose for austin: its memory modes write signed and comma-separated numbers.
    const split = splitSample(text, d.numbers, this.#austinLines);
    if (!split) {
      if (text.trim() === '') return;
      if (this.#invalid++ === 0) this.#firstInvalid = number;
      return;
    }
    const place = { line: number };
    const weight = this.#weight(split.numbers[d.weightIndex] as string, d, number);
    const samples =
      this.#samplesPerLine === 'one' ? 1 : this.#samplesPerLine === 'weight' ? weight : Number.NaN;
    const known = this.#stacks.get(split.stack);
    if (known !== undefined) {
      this.trie.add(known, weight, samples);
      this.#samples++;
      return;
    }
    const node = this.#node(split.stack, d, place);
    this.trie.add(node, weight, samples);
    this.#samples++;
    if (this.#stackChars + split.stack.length > STACK_CACHE_CHARS) {
      this.#stacks = new Map();
      this.#stackChars = 0;
    }
    this.#stacks.set(split.stack, node);
    this.#stackChars += split.stack.length;
  }

  /** The tree node a stack text ends at, made if new. */
  #node(stack: string, d: Dialect, place: { line: number }): number {
    const frames = stack === '' ? [] : stack.split(';');
    const prefix = readPrefix(frames, d.name);
    const trie = this.trie;
    let node = trie.partRoot(prefix, place);
    const n = frames.length;
    if (n - prefix.used > MAX_DEPTH)
      throw malformed(
        FORMAT,
        place,
        `a stack of ${n - prefix.used} frames, deeper than ${MAX_DEPTH}: no real program runs that deep`,
      );
    if (prefix.used === n) {
      const id = trie.frameId(NO_FRAMES_KEY, () => ({
        name: NO_FRAMES_NAME,
        file: '',
        line: 0,
        kind: 'synthetic',
      }));
      node = trie.child(node, id, place);
    }
    for (let k = prefix.used; k < n; k++) {
      const frame = frames[k] as string;
      if (frame.length > this.#stringBytes)
        this.#budget.string(frame.length, FORMAT, place, 'a frame');
      const line =
        this.#austinLines && k + 1 < n && lineFrame(frame) < 0
          ? lineFrame(frames[k + 1] as string)
          : -1;
      let id: number;
      if (line >= 0) {
        // austin's `name (file);L<line>`: one frame with its line.
        id = trie.frameId(`${frame};L${line}`, () => ({ ...parseFrame(frame, d.name), line }));
        k++;
      } else {
        id = trie.frameId(frame, () => parseFrame(frame, d.name));
      }
      node = trie.child(node, id, place);
    }
    const rows = trie.nodes + trie.frameName.length;
    this.#budget.entries(rows - this.#rowsCharged, FORMAT, place);
    this.#rowsCharged = rows;
    return node;
  }

  #weight(token: string, d: Dialect, number: number): number {
    const field = d.commaFields ? (token.split(',')[0] as string) : token;
    if (field.startsWith('-'))
      throw new ProfileError(
        'UNSUPPORTED_FEATURE',
        `negative weight ${field}: memory profiles (austin -m) are not supported`,
        { format: FORMAT, place: { line: number } },
      );
    const value = Number(field);
    if (!(value <= MAX_WEIGHT))
      throw malformed(
        FORMAT,
        { line: number },
        `weight ${field.length > 30 ? `${field.slice(0, 30)}…` : field} is larger than ${MAX_WEIGHT}`,
      );
    return value;
  }

  finish(): ProfileSet {
    if (!this.#dialect) this.#decide();
    const d = this.#dialect as Dialect;
    const warn: DiagnosticSink['warn'] = (diagnostic) => this.#context.warn(diagnostic);
    if (this.#samples === 0) {
      throw malformed(
        FORMAT,
        this.#invalid > 0 ? { line: this.#firstInvalid } : undefined,
        this.#invalid > 0
          ? `no line is a stack followed by a number (${this.#invalid} other lines): not collapsed stacks`
          : 'empty file: no stacks',
      );
    }
    if (this.#invalid > 0) {
      warn({
        code: 'invalid-lines',
        message: `${this.#invalid} line${this.#invalid === 1 ? ' is' : 's are'} not \`stack number\` and ${this.#invalid === 1 ? 'was' : 'were'} skipped, as flamegraph.pl skips them (the first is line ${this.#firstInvalid})`,
        place: { line: this.#firstInvalid },
      });
    }
    if (d.name === 'difffolded')
      warn({
        code: 'differential',
        message:
          'a differential file (difffolded.pl: two counts per stack): the second count (the newer profile) is read, as flamegraph.pl draws it; the first is dropped',
      });
    const mode = this.#info.find(([key]) => key === 'mode')?.[1].trim();
    if ((d.name === 'austin1' && d.numbers === 3) || mode === 'full')
      warn({
        code: 'memory-dropped',
        message:
          "austin's full metrics (-f): the time of each sample is read, its memory numbers are dropped",
      });
    const functions = resolveFunctions(this.trie, this.#frameLines(d), this.#context.sources, warn);
    const { divisor, metadata } = this.#metadata(d, mode);
    return buildProfileSet(this.trie, functions, {
      needs: this.#context.needs,
      divisor,
      executingLines: this.#frameLines(d) === 'executing',
      metadata,
    });
  }

  #frameLines(d: Dialect): 'executing' | 'first' {
    const option = choice(FRAME_LINES_CHOICES, this.#context.options['frame-lines']);
    return option === 'auto' ? d.lines : option;
  }

  #metadata(d: Dialect, mode: string | undefined): { divisor: number; metadata: MetadataInput } {
    const option = this.#weights();
    const weights = option === 'auto' ? d.weights : option;
    const python = this.#info.find(([key]) => key === 'python')?.[1].trim();
    let timeUnit: string | undefined;
    let divisor = 1;
    if (weights !== 'samples') {
      divisor = DIVISORS[weights];
      if (option !== 'auto') timeUnit = `${UNIT_WORDS[weights]} (--weights ${weights})`;
      else if (d.name === 'flameprof')
        timeUnit =
          'microseconds of estimated self time (flameprof --log-mult 1000000, its default)';
      else timeUnit = `${mode === 'cpu' ? 'CPU time' : 'wall clock'}, microseconds between samples`;
    }
    const metadata: MetadataInput = {
      format: FORMAT,
      ...(d.producer !== undefined ? { producer: d.producer } : {}),
      ...(python !== undefined && /^\d+\.\d+/.test(python) ? { pythonVersion: python } : {}),
      ...(timeUnit !== undefined ? { timeUnit } : {}),
      costUnit: weights === 'samples' ? 'samples' : 'seconds',
      sampled: true,
      ...(this.#info.length > 0 ? { info: this.#info } : {}),
      ...(this.#context.fileName !== undefined ? { sourceName: this.#context.fileName } : {}),
    };
    return { divisor, metadata };
  }
}

/** Reads a whole file held in memory. */
export function readCollapsed(bytes: Uint8Array, context: ReadContext): ProfileSet {
  const collector = new Collector(context, context.budget ?? new ReadBudget({}, bytes.length));
  splitLines(bytes, collector.line);
  return collector.finish();
}

/** Reads a stream of chunks, holding one unfinished line besides the stack tree. */
export async function readCollapsedStream(
  chunks: AsyncIterable<Uint8Array>,
  context: ReadContext,
): Promise<ProfileSet> {
  // The pipeline's budget counts the bytes as it hands them on; one of our own counts here.
  const own = context.budget === undefined;
  const budget = context.budget ?? new ReadBudget();
  const collector = new Collector(context, budget);
  const splitter = new LineSplitter(collector.line);
  for await (const chunk of chunks) {
    if (own) budget.addInput(chunk.length);
    splitter.push(chunk);
  }
  splitter.end();
  return collector.finish();
}
