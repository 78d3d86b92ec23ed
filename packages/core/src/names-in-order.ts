/**
 * The naming service for writers that name functions as they meet them. A Chrome trace is
 * written while the log is read, so a function must have its name at its first call,
 * before the rest of the log (and of the functions) is known — `uniqueFunctionNames`
 * (naming.ts), which looks at all functions at once, cannot name it then. The rule here is
 * that service's, applied in order of first meeting: the first function keeps its short
 * name, and a later one whose short name is taken is qualified the way the service
 * qualifies — by its first line when an earlier one of that name lives in the same file
 * (`decorated:46`), else by the shortest dotted path suffix no earlier file of that name
 * shares (`pkg_b.util.run` after `/src/pkg_a/util.py`'s `run`), then by both, and finally
 * by a counter (`run #2`) — so no two functions ever share a name. Builtins and synthetic entries are qualified
 * as the service does, `name (file:line)`. Names are exact strings for the consumers
 * (speedscope's trace import keys a frame by its name), cleaned by `sanitizeName`, with
 * undecodable bytes written `\xNN` (`escapeUndecodable`) so a viewer decoding UTF-8 cannot
 * merge two of them. Work per function is bounded by its path's depth. Names depend only
 * on the order functions are met in, so a writer that meets them in the same order —
 * streamed, or from a profile's rows — gives the same names.
 */
import { pathParts, sanitizeName } from './naming.js';
import type { FunctionKind } from './profile.js';
import { escapeUndecodable } from './text.js';

/** Dotted path suffixes of a file, shortest first: `util`, `pkg_a.util`, `src.pkg_a.util`. */
function pathLabels(file: string): string[] {
  const parts = pathParts(file);
  const labels: string[] = [];
  for (let k = parts.length - 1; k >= 0; k--)
    labels.push(
      k === parts.length - 1 ? (parts[k] as string) : `${parts[k]}.${labels[labels.length - 1]}`,
    );
  return labels.map((label) => escapeUndecodable(sanitizeName(label)));
}

interface Holders {
  /** Files of the functions with this short name. */
  files: Set<string>;
  /** Every path label of those files. */
  labels: Set<string>;
}

/** Unique names for functions in the order they are met (see the file comment). */
export class NamesInOrder {
  /** Names given, for uniqueness. */
  readonly #taken = new Set<string>();
  /** By short name: who has it. */
  readonly #holders = new Map<string, Holders>();
  /** By stem: the next counter to try (so a run of clashes stays linear). */
  readonly #counters = new Map<string, number>();

  /** The name of a function met for the first time (ask once per identity). */
  name(file: string, line: number, name: string, kind: FunctionKind): string {
    const short = escapeUndecodable(sanitizeName(name));
    let holders = this.#holders.get(short);
    if (holders === undefined) {
      holders = { files: new Set(), labels: new Set() };
      this.#holders.set(short, holders);
    }
    const candidates = [short];
    if (kind === 'python') {
      const labels = pathLabels(file);
      const distinct = holders.files.has(file)
        ? undefined
        : labels.find((label) => !holders.labels.has(label));
      if (distinct !== undefined) candidates.push(`${distinct}.${short}`);
      candidates.push(`${short}:${line}`);
      const longest = labels[labels.length - 1];
      if (longest !== undefined) candidates.push(`${longest}.${short}:${line}`);
      for (const label of labels) holders.labels.add(label);
    } else {
      candidates.push(`${short} (${escapeUndecodable(sanitizeName(file))}:${line})`);
    }
    holders.files.add(file);
    let chosen = candidates.find((candidate) => !this.#taken.has(candidate));
    if (chosen === undefined) {
      const stem = candidates[candidates.length - 1] as string;
      let k = this.#counters.get(stem) ?? 2;
      while (this.#taken.has(`${stem} #${k}`)) k++;
      chosen = `${stem} #${k}`;
      this.#counters.set(stem, k + 1);
    }
    this.#taken.add(chosen);
    return chosen;
  }
}
