/**
 * Function identity in sampled stacks. A frame records the file, the function's name and
 * the line being executed — not the function's first line — so a function is (file,
 * name), and its executing lines become line costs. Alone, that merges two closures named
 * `decorated` in one file (the bug pyprof was founded on), or the `run` methods of two
 * classes. Where the source of a file can be read (`ReadContext.sources`), the scope that
 * encloses the executing line and bears the frame's name (core's `PythonSource`: def,
 * lambda, class body, comprehension; matched by `co_name` or `co_qualname`) tells them
 * apart, and its first line — `co_firstlineno`, what cProfile records — completes the
 * identity (file, line, name), so a sampled profile merges with a deterministic one of the
 * same code. A name with a single definition in the file needs no line (samplers
 * sometimes report a wrong one).
 *
 * Where no source is found, functions stay (file, 0, name) and a warning
 * (`identity-by-name`) names the functions whose identity could not be checked. Where the
 * source is found but a sampled line lies in no definition of that name (the file changed
 * since profiling, or the sampler misread the line), the frame stays (file, 0, name) too,
 * with a warning (`not-in-source`). Frames whose line is the function's first line
 * (flameprof) already are identities and have no executing line.
 */
import {
  type DiagnosticSink,
  decodePythonSource,
  PythonSource,
  type SourceFiles,
} from '@pyprof/core';
import type { FrameKind } from './dialect.js';
import type { StackTrie } from './stacks.js';

/** Largest source file scanned. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/** How many functions a warning names. */
const NAMED = 20;

export interface Functions {
  readonly file: string[];
  readonly line: number[];
  readonly name: string[];
  readonly kind: FrameKind[];
  /** Function of each frame of the trie. */
  readonly ofFrame: Uint32Array;
  /** Executing line of each frame (0 when the file has none). */
  readonly lineOfFrame: Int32Array;
}

/** A path that cannot be a source file: `<frozen …>`, `<string>`, pstats' `~`. */
function isPseudoFile(file: string): boolean {
  return file === '' || file === '~' || file.startsWith('<');
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, NAMED).join(', ');
  return items.length > NAMED ? `${shown} and ${items.length - NAMED} more` : shown;
}

export function resolveFunctions(
  trie: StackTrie,
  lines: 'executing' | 'first',
  sources: SourceFiles | undefined,
  warn: DiagnosticSink['warn'],
): Functions {
  const count = trie.frameName.length;
  const out: Functions = {
    file: [],
    line: [],
    name: [],
    kind: [],
    ofFrame: new Uint32Array(count),
    lineOfFrame: new Int32Array(count),
  };
  const ids = new Map<string, number>();
  const scanned = new Map<string, PythonSource | undefined>();
  /** Files without source → names of their functions. */
  const unchecked = new Map<string, Set<string>>();
  /** "name (file)" of frames whose line lies in no definition of that name. */
  const outside = new Set<string>();
  /** "name (file)" of frames without a line whose name has several definitions. */
  const ambiguous = new Set<string>();

  const source = (file: string): PythonSource | undefined => {
    if (scanned.has(file)) return scanned.get(file);
    const bytes = sources?.read(file);
    const scannedSource =
      bytes !== undefined && bytes.length <= MAX_SOURCE_BYTES
        ? new PythonSource(decodePythonSource(bytes))
        : undefined;
    scanned.set(file, scannedSource);
    return scannedSource;
  };

  for (let frame = 0; frame < count; frame++) {
    const name = trie.frameName[frame] as string;
    const file = trie.frameFile[frame] as string;
    const line = trie.frameLine[frame] as number;
    const kind = trie.kindOf(frame);
    let first = 0;
    if (lines === 'first') {
      first = line;
    } else {
      out.lineOfFrame[frame] = line;
      if (kind === 'python' && !isPseudoFile(file)) {
        const code = source(file);
        if (code) {
          let scope = line > 0 ? code.enclosing(name, line) : undefined;
          if (!scope) {
            const named = code.named(name);
            if (named.length === 1) scope = named[0];
          }
          if (scope) first = scope.firstLine;
          else (line > 0 ? outside : ambiguous).add(`${name} (${file})`);
        } else {
          let names = unchecked.get(file);
          if (!names) {
            names = new Set();
            unchecked.set(file, names);
          }
          names.add(name);
        }
      }
    }
    const key = `${file}\u0000${first}\u0000${name}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = out.name.length;
      ids.set(key, id);
      out.file.push(file);
      out.line.push(first);
      out.name.push(name);
      out.kind.push(kind);
    }
    out.ofFrame[frame] = id;
  }

  if (unchecked.size > 0) {
    // Files with the most functions first: the likeliest to hold two of one name.
    const files = [...unchecked].sort((a, b) => b[1].size - a[1].size);
    const names = files.flatMap(([file, set]) =>
      [...set].sort().map((name) => `${name} (${file})`),
    );
    warn({
      code: 'identity-by-name',
      message: `no source found for ${list(files.map(([file]) => file))}: functions there are told apart by file and name only, so same-named ones (closures, methods of different classes, lambdas) are merged into one. Unchecked: ${list(names)}. Give the sources (--sources DIR) to tell them apart`,
    });
  }
  if (outside.size > 0 || ambiguous.size > 0) {
    const why = [
      outside.size > 0
        ? `sampled lines that lie in no definition of that name in the source (the file changed since profiling, or the sampler misread the line): ${list([...outside])}`
        : '',
      ambiguous.size > 0
        ? `frames without a line, of names the source defines several times: ${list([...ambiguous])}`
        : '',
    ].filter((text) => text !== '');
    warn({
      code: 'not-in-source',
      message: `known by file and name only, so same-named functions there are merged — ${why.join('; ')}`,
    });
  }
  return out;
}
