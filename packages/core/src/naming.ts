/**
 * The naming service: one display name per function, unique under the identity rule of
 * the consumer that will read it. This is why the project exists — KCachegrind identifies a
 * function by name + basename(file) + basename(object) concatenated with no separator
 * (specs/callgrind.md §3), so two closures named `decorated` in one file, `run()` in
 * `pkg_a/util.py` and `pkg_b/util.py`, or `setup()` in two `__init__.py` files would
 * merge. Names stay short where that is unambiguous and are qualified only where needed:
 * first with the distinguishing package path (`pkg_a.util.run`) or the first line
 * (`decorated:31`), then with the full module and line, and finally with a counter, so
 * uniqueness is guaranteed for any input. The result depends only on the profile, so it is
 * deterministic.
 */
import { KeyIndex, withIndex } from './columns.js';
import { FUNCTION_KINDS, functionFile, type Profile } from './profile.js';

export type NameStyle = 'short' | 'qualified';

export interface NamingOptions {
  /**
   * `short` (default): bare names unless ambiguous; `qualified`: always `module.name:line`
   * for Python functions, where `module` tells the file apart from every other file of the
   * profile (`pkg_a.util`, as the short style writes it where it must).
   */
  style?: NameStyle;
  /**
   * The consumer's identity rule in its usual form: two functions are one for it when
   * `name + keySuffix(fn)` are the same string — KCachegrind's key is the name followed by
   * the basenames of the file and the object, with no separator; `() => ''` makes the name
   * alone the key. Default (with no `identity` either): `fileBasenameSuffix(profile)`, the
   * basename of the function's own file — KCachegrind with no object. This form is fast
   * on big profiles.
   */
  keySuffix?: (fn: number) => string;
  /** Any other identity rule: the key under which two names are the same function. */
  identity?: (name: string, fn: number) => string;
  /**
   * How the consumer writes a name (the collapsed writer's frame text): two functions are
   * one when their names are written alike, and the names returned are the written ones.
   * Worked out once per distinct name string, and once per qualified name.
   */
  written?: (name: string) => string;
  /** Identity keys that are already taken (e.g. a writer's synthetic functions). */
  reserved?: Iterable<string>;
}

/** The text after the last `/` (KCachegrind's basename; `\` does not split). */
export function kcachegrindBasename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A `keySuffix` for KCachegrind's identity: the basename of each function's file as
 * `written` spells it (the file string itself by default; a writer passes how it writes
 * file names). Worked out once per file, so the functions of a file share one suffix
 * string, and its hash.
 */
export function fileBasenameSuffix(
  profile: Profile,
  written: (file: string) => string = (file) => file,
): (fn: number) => string {
  const ofFile: Array<string | undefined> = new Array(profile.strings.length);
  return (fn) => {
    const file = profile.functions.file[fn] as number;
    let suffix = ofFile[file];
    if (suffix === undefined) {
      suffix = kcachegrindBasename(written(profile.strings[file] as string));
      ofFile[file] = suffix;
    }
    return suffix;
  };
}

/** KCachegrind's function key: name ‖ basename(file) ‖ basename(object). */
export function kcachegrindKey(name: string, file: string, object = ''): string {
  return name + kcachegrindBasename(file) + kcachegrindBasename(object);
}

/**
 * True when `sanitizeName` would return `name` itself: no control character (Unicode Cc:
 * U+0000–U+001F, U+007F–U+009F), no outer white space, not empty or `???`. A character
 * scan; the regular expression costs far more, and almost every name is already clean.
 */
function isClean(name: string): boolean {
  const length = name.length;
  if (length === 0 || name === '???') return false;
  for (let k = 0; k < length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  // Whatever `trim` removes (Unicode white space) at either end; control characters are
  // ruled out above, so a cheap check of the two ends suffices.
  return !isSpace(name.charCodeAt(0)) && !isSpace(name.charCodeAt(length - 1));
}

/** White space as `String.prototype.trim` sees it, minus the control characters. */
function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Makes a name safe for line-based formats: no control characters, no outer spaces. */
export function sanitizeName(name: string): string {
  if (isClean(name)) return name;
  let out = name.replace(/\p{Cc}/gu, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  out = out.trim();
  if (out === '') return '(no name)';
  if (out === '???') return '(???)';
  return out;
}

/**
 * The parts joined into one flat string. A concatenation of 13 or more characters is a
 * rope in V8, which is slower to hash (names are keyed) and to read character by
 * character (writers copy every name out); `join` writes the characters in one piece.
 */
function flat(...parts: Array<string | number>): string {
  return parts.join('');
}

/** Trailing path components of `file` without the extension and a final `__init__`. */
export function pathParts(file: string): string[] {
  const parts = file
    .replace(/\\/g, '/')
    .replace(/\.(?:py|pyw|pyc|pyo|pyx)$/i, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.length > 1 && parts[parts.length - 1] === '__init__') parts.pop();
  return parts;
}

/** Strings numbered in the order they are first seen (a string table, an interning). */
export class StringIds {
  readonly #ids = new Map<string, number>();
  /** Each id's string. */
  readonly texts: string[] = [];

  /** The id of `text`, numbering it if it is new. */
  of(text: string): number {
    let id = this.#ids.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.#ids.set(text, id);
      this.texts.push(text);
    }
    return id;
  }

  /** The id of `text`, or undefined if it has none. */
  find(text: string): number | undefined {
    return this.#ids.get(text);
  }
}

/**
 * Every file's dotted path suffixes by depth, as numbers: `util`, `pkg_a.util`,
 * `src.pkg_a.util` for `/src/pkg_a/util.py` (a file with no components has the one label
 * `''`). Built only as deep as a group needs them (most files are told apart by their last
 * one or two components) and once per file (a file meets many groups), so telling files
 * apart compares integers instead of hashing label strings.
 */
class PathLabels {
  readonly #strings: readonly string[];
  readonly #parts: Array<string[] | undefined>;
  /** Per file: the ids of its labels of 1, 2, … components, as far as asked for. */
  readonly #ofFile: Array<number[] | undefined>;
  readonly #ids = new StringIds();
  /** Label text by id. */
  readonly texts = this.#ids.texts;

  constructor(strings: readonly string[]) {
    this.#strings = strings;
    this.#parts = new Array(strings.length);
    this.#ofFile = new Array(strings.length);
  }

  #partsOf(file: number): string[] {
    let parts = this.#parts[file];
    if (parts === undefined) {
      parts = pathParts(this.#strings[file] as string);
      this.#parts[file] = parts;
    }
    return parts;
  }

  /** How many labels file string `file` has (at least one). */
  depth(file: number): number {
    return Math.max(1, this.#partsOf(file).length);
  }

  /** The id of the label of `depth` components (1 … `depth(file)`) of file string `file`. */
  at(file: number, depth: number): number {
    let ids = this.#ofFile[file];
    if (ids === undefined) {
      ids = [];
      this.#ofFile[file] = ids;
    }
    const parts = this.#partsOf(file);
    while (ids.length < depth) {
      const part = parts[parts.length - ids.length - 1] ?? '';
      const label =
        ids.length === 0
          ? part
          : flat(part, '.', this.texts[ids[ids.length - 1] as number] as string);
      ids.push(this.#ids.of(label));
    }
    return ids[depth - 1] as number;
  }
}

/**
 * Shortest dotted path suffixes that tell the files of a group apart. Scratch space by
 * label id, reused across the groups of one naming run: a pass stamp says which entries
 * are current, so no map or set is made per group and depth (a big profile has thousands
 * of groups).
 */
class PathChooser {
  readonly #labels: PathLabels;
  /** Per label: the pass that last saw it, and the file (index in the group) or -1 if shared. */
  #seenIn = new Int32Array(64);
  #owner = new Int32Array(64);
  /** Per label: the group that gave it out. */
  #takenBy = new Int32Array(64);
  #pass = 0;
  #group = 0;
  readonly #seen: number[] = [];

  constructor(labels: PathLabels) {
    this.#labels = labels;
  }

  /**
   * Sets `pathOf[file]` to the label id for each of the given distinct files (string
   * indices), leaving -1 where no suffix tells it apart (the whole path is then used).
   */
  choose(files: readonly number[], pathOf: Int32Array): void {
    const labels = this.#labels;
    const group = ++this.#group;
    const depths: number[] = [];
    let longest = 1;
    for (let i = 0; i < files.length; i++) {
      const depth = labels.depth(files[i] as number);
      depths.push(depth);
      if (depth > longest) longest = depth;
    }
    let left = files.length;
    const seen = this.#seen;
    for (let depth = 1; depth <= longest && left > 0; depth++) {
      const pass = ++this.#pass;
      seen.length = 0;
      for (let i = 0; i < files.length; i++) {
        if ((pathOf[files[i] as number] as number) >= 0) continue;
        // The last `depth` components (all of them once depth exceeds the path).
        const label = labels.at(files[i] as number, Math.min(depth, depths[i] as number));
        if (label >= this.#seenIn.length) this.#grow(label);
        if (this.#seenIn[label] !== pass) {
          this.#seenIn[label] = pass;
          this.#owner[label] = i;
          seen.push(label);
        } else this.#owner[label] = -1;
      }
      // A label may be final only if no other file (final or not) shares it.
      for (let k = 0; k < seen.length; k++) {
        const label = seen[k] as number;
        const owner = this.#owner[label] as number;
        if (owner >= 0 && this.#takenBy[label] !== group) {
          pathOf[files[owner] as number] = label;
          this.#takenBy[label] = group;
          left--;
        }
      }
    }
  }

  #grow(label: number): void {
    this.#seenIn = withIndex(this.#seenIn, label);
    this.#owner = withIndex(this.#owner, label);
    this.#takenBy = withIndex(this.#takenBy, label);
  }
}

/**
 * One display name per function, unique under the consumer's identity rule
 * (`options.keySuffix`; KCachegrind's key by default). Every writer takes its names from here.
 */
export function uniqueFunctionNames(profile: Profile, options: NamingOptions = {}): string[] {
  const n = profile.functions.length;
  if ([options.keySuffix, options.identity, options.written].filter(Boolean).length > 1)
    throw new TypeError('uniqueFunctionNames: give one of keySuffix, identity and written');
  // Sanitized once per distinct name string (names repeat across functions).
  const base: string[] = new Array(n);
  const sanitized: Array<string | undefined> = new Array(profile.strings.length);
  for (let fn = 0; fn < n; fn++) {
    const index = profile.functions.name[fn] as number;
    let name = sanitized[index];
    if (name === undefined) {
      name = sanitizeName(profile.strings[index] as string);
      sanitized[index] = name;
    }
    base[fn] = name;
  }
  const kinds = profile.functions.kind;
  const pythonKind = FUNCTION_KINDS.indexOf('python');
  const isPython = (fn: number) => kinds[fn] === pythonKind;
  const line = (fn: number) => profile.functions.line[fn] as number;

  const labels = new PathLabels(profile.strings);
  const chooser = new PathChooser(labels);
  let modules: Array<string | undefined> | undefined;
  const fullyQualified = (fn: number) => {
    modules ??= fileModules(profile, isPython, labels, chooser);
    const module = modules[profile.functions.file[fn] as number];
    return module
      ? flat(module, '.', base[fn] as string, ':', line(fn))
      : flat(base[fn] as string, ':', line(fn));
  };
  /** Per file string: its distinguishing label id while its group is named (-1 between). */
  const pathOf = new Int32Array(profile.strings.length).fill(-1);

  const names =
    options.style === 'qualified'
      ? base.map((name, fn) => (isPython(fn) ? fullyQualified(fn) : name))
      : base.slice();
  const level = new Uint8Array(n).fill(options.style === 'qualified' ? 2 : 0);
  const reserved = new Set(options.reserved ?? []);
  const written = options.written
    ? new WrittenKeys(n, profile.strings.length, options.written)
    : undefined;
  const keys: IdentityKeys =
    written ??
    (options.identity
      ? new StringKeys(options.identity)
      : new PairKeys(n, profile.strings.length, options.keySuffix ?? fileBasenameSuffix(profile)));
  const reservedKeys = new Set<number>();
  for (const key of reserved) reservedKeys.add(keys.ofString(key));

  // Keys are recomputed only for functions whose name changed; a round groups the keys
  // that are taken more than once (or reserved) and qualifies those groups one level more.
  const keyOf = new Float64Array(n);
  const dirty = new Uint8Array(n).fill(1);
  let groups: number[][] = [];
  const hasReserved = reservedKeys.size > 0;
  /** Per function first holding its key in a round: its group's index, or -1 for none. */
  const groupOf = new Int32Array(n);
  /** Per file string: functions of the group being qualified in it (0 between groups). */
  const inFile = new Int32Array(profile.strings.length);
  /**
   * Qualifies the functions of one group one level more; false when they are all past the
   * last level. A function of its own, with indexed loops, so that V8 optimizes it after a
   * few of the thousands of groups (the loops of a function run once stay in the
   * interpreter, which also makes an iterator result for every step of a `for … of`).
   */
  const qualify = (group: readonly number[]): boolean => {
    const size = group.length;
    let current = 3;
    for (let k = 0; k < size; k++) {
      const fnLevel = level[group[k] as number] as number;
      if (fnLevel < current) current = fnLevel;
    }
    if (current === 0) {
      // Level 1: the distinguishing package path where files differ, the line where they do not.
      const files: number[] = [];
      for (let k = 0; k < size; k++) {
        const file = profile.functions.file[group[k] as number] as number;
        const count = (inFile[file] as number) + 1;
        inFile[file] = count;
        if (count === 1) files.push(file);
      }
      const paths = files.length > 1;
      if (paths) chooser.choose(files, pathOf);
      for (let k = 0; k < size; k++) {
        const fn = group[k] as number;
        const index = profile.functions.file[fn] as number;
        const file = profile.strings[index] as string;
        const name = base[fn] as string;
        const withLine = (inFile[index] as number) > 1 || size === 1;
        if (paths && file !== '' && isPython(fn)) {
          const path = pathOf[index] as number;
          const prefix = path >= 0 ? (labels.texts[path] as string) : file;
          names[fn] = withLine ? flat(prefix, '.', name, ':', line(fn)) : flat(prefix, '.', name);
        } else names[fn] = withLine ? flat(name, ':', line(fn)) : name;
        level[fn] = 1;
        dirty[fn] = 1;
      }
      for (let k = 0; k < files.length; k++) {
        inFile[files[k] as number] = 0;
        pathOf[files[k] as number] = -1;
      }
      return true;
    }
    if (current === 1) {
      for (let k = 0; k < size; k++) {
        const fn = group[k] as number;
        names[fn] = isPython(fn)
          ? fullyQualified(fn)
          : flat(
              base[fn] as string,
              ' (',
              sanitizeName(functionFile(profile, fn)),
              ':',
              line(fn),
              ')',
            );
        level[fn] = 2;
        dirty[fn] = 1;
      }
      return true;
    }
    for (let k = 0; k < size; k++) level[group[k] as number] = 3;
    return false;
  };
  /**
   * The groups of functions whose identity strings are the same, from the groups of equal
   * keys: the same groups, unless different strings share a hashed key.
   */
  const exactGroups = (found: number[][]): number[][] => {
    const exact: number[][] = [];
    for (const group of found) {
      const first = group[0] as number;
      const name = names[first] as string;
      let alike = true;
      for (let k = 1; k < group.length && alike; k++) {
        const fn = group[k] as number;
        alike = keys.same(first, name, fn, names[fn] as string);
      }
      if (alike) {
        if (group.length > 1 || reserved.has(keys.text(name, first))) exact.push(group);
        continue;
      }
      const byText = new Map<string, number[]>();
      for (const fn of group) {
        const text = keys.text(names[fn] as string, fn);
        const same = byText.get(text);
        if (same) same.push(fn);
        else byText.set(text, [fn]);
      }
      for (const [text, alikeGroup] of byText)
        if (alikeGroup.length > 1 || reserved.has(text)) exact.push(alikeGroup);
    }
    return exact;
  };
  for (let round = 0; round < 5; round++) {
    // Each key's first function; a group is made when a key is taken twice (or reserved).
    const seen = new KeyIndex(keyOf, n);
    groups = [];
    for (let fn = 0; fn < n; fn++) {
      if (dirty[fn]) {
        const name = names[fn] as string;
        // Round 0's names are mostly the functions' own, which repeat (8,614 distinct
        // among the dump's 100k): their keys are worked out once per string.
        keyOf[fn] =
          round === 0 && name === base[fn]
            ? keys.ofBase(name, fn, profile.functions.name[fn] as number)
            : keys.of(name, fn);
        dirty[fn] = 0;
      }
      const owner = seen.claim(fn);
      if (owner < 0) {
        groupOf[fn] =
          hasReserved && reservedKeys.has(keyOf[fn] as number) ? groups.push([fn]) - 1 : -1;
      } else if ((groupOf[owner] as number) < 0) {
        groupOf[owner] = groups.push([owner, fn]) - 1;
      } else {
        (groups[groupOf[owner] as number] as number[]).push(fn);
      }
    }
    if (keys.hashed && groups.length > 0) groups = exactGroups(groups);
    if (groups.length === 0 || round === 4) break;
    let changed = false;
    for (let g = 0; g < groups.length; g++) if (qualify(groups[g] as number[])) changed = true;
    if (!changed) break;
  }
  if (groups.length === 0) return written ? written.writtenOf : names;

  // Last resort: a counter suffix, checked against every key already in use.
  const used = new Set(reserved);
  const pending: number[] = [];
  for (const group of groups) for (const fn of group) pending.push(fn);
  pending.sort((a, b) => a - b);
  const isPending = new Uint8Array(n);
  for (const fn of pending) isPending[fn] = 1;
  for (let fn = 0; fn < n; fn++) if (!isPending[fn]) used.add(keys.text(names[fn] as string, fn));
  for (const fn of pending) {
    const stem = names[fn] as string;
    for (let k = 1; ; k++) {
      const candidate = `${stem} #${k}`;
      const key = keys.text(candidate, fn);
      if (!used.has(key)) {
        names[fn] = candidate;
        if (written) written.writtenOf[fn] = key;
        used.add(key);
        break;
      }
    }
  }
  return written ? written.writtenOf : names;
}

/**
 * Each Python function's file's module name for the fully qualified form (`module.name:line`),
 * by file string index: the module name the reader gave (`json.decoder`, `util`) where no
 * other file of the profile has the same one, else, among the files sharing it, the
 * shortest dotted path suffix that tells each apart — the labels the short style uses
 * (`pkg_a.util`, `pkg_b.util`) — or the whole path where none does. It depends only on
 * the profile's files, so a file's functions all get the same prefix whatever they clash
 * with, and two files never get the same one.
 */
function fileModules(
  profile: Profile,
  isPython: (fn: number) => boolean,
  labels: PathLabels,
  chooser: PathChooser,
): Array<string | undefined> {
  const modules: Array<string | undefined> = new Array(profile.strings.length);
  /** Per module string index: the distinct files of Python functions that have it. */
  const filesOf = new Map<number, number[]>();
  const seen = new Uint8Array(profile.strings.length);
  for (let fn = 0; fn < profile.functions.length; fn++) {
    const file = profile.functions.file[fn] as number;
    if (seen[file] || !isPython(fn)) continue;
    seen[file] = 1;
    const module = profile.functions.module[fn] as number;
    const files = filesOf.get(module);
    if (files) files.push(file);
    else filesOf.set(module, [file]);
  }
  const pathOf = new Int32Array(profile.strings.length).fill(-1);
  for (const [module, files] of filesOf) {
    if (files.length === 1) {
      const name = profile.strings[module] as string;
      modules[files[0] as number] = name === '' ? undefined : sanitizeName(name);
      continue;
    }
    chooser.choose(files, pathOf);
    for (const file of files) {
      const path = pathOf[file] as number;
      const label = path >= 0 ? (labels.texts[path] as string) : '';
      const whole = profile.strings[file] as string;
      modules[file] =
        label !== '' ? sanitizeName(label) : whole !== '' ? sanitizeName(whole) : undefined;
    }
  }
  return modules;
}

/**
 * Identity keys as numbers: equal when the identity strings are equal. Keys that are
 * hashes (`hashed`) may also be equal for different strings, rarely; the naming checks the
 * functions of every clash with `same` before it counts them as one.
 */
interface IdentityKeys {
  /** Whether equal keys may come from different identity strings. */
  readonly hashed: boolean;
  /** The key of `name` for function `fn`. */
  of(name: string, fn: number): number;
  /** The same for a name that is the sanitized profile string `index` (worked out once per string). */
  ofBase(name: string, fn: number, index: number): number;
  /** The key of a whole identity string. */
  ofString(key: string): number;
  /** Whether the identity strings of two functions' names, whose keys are equal, are equal. */
  same(a: number, nameA: string, b: number, nameB: string): boolean;
  /** The identity string of `name` for function `fn`. */
  text(name: string, fn: number): string;
}

/** Keys from any identity rule: its strings, numbered (exact, so never checked). */
class StringKeys implements IdentityKeys {
  readonly hashed = false;
  readonly #identity: (name: string, fn: number) => string;
  readonly #ids = new StringIds();

  constructor(identity: (name: string, fn: number) => string) {
    this.#identity = identity;
  }

  of(name: string, fn: number): number {
    return this.#ids.of(this.#identity(name, fn));
  }

  ofBase(name: string, fn: number): number {
    return this.of(name, fn);
  }

  ofString(key: string): number {
    return this.#ids.of(key);
  }

  same(): boolean {
    return true;
  }

  text(name: string, fn: number): string {
    return this.#identity(name, fn);
  }
}

/*
 * Hashed keys. Numbering every identity string in a map was a third of the naming's CPU
 * samples on the 100k-function dump: about 100,000 new qualified names a run, each hashed,
 * looked up and added, the map growing the while. A key made of two polynomial hashes of
 * the string instead (52 bits, so a Float64Array holds it exactly) costs a pass over its
 * characters; the rare different strings with one key are told apart by comparing the
 * strings of each clash (`same`), so the names are exactly those of numbered strings.
 * On the dump, KCachegrind's rule took 213 ms of main-thread CPU instead of 264 ms, the
 * name alone as long as before, and with `written` (below) the collapsed frame naming 330
 * ms instead of 416 ms (docs/decisions/0032-faster-frame-naming.md).
 */

/** The multipliers of the two polynomial hashes (mod 2^32; odd). */
const LANE_A = 0x01000193;
const LANE_B = 0x5bd1e995;

/** The two hashes of the text `hashText` saw last (a pair without an allocation). */
let laneA = 0;
let laneB = 0;

function hashText(text: string): void {
  let a = 0;
  let b = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    a = (Math.imul(a, LANE_A) + c) | 0;
    b = (Math.imul(b, LANE_B) + c) | 0;
  }
  laneA = a;
  laneB = b;
}

/** A key of 52 bits from the two hashes. */
function laneKey(a: number, b: number): number {
  return (a >>> 0) * 0x100000 + (b >>> 12);
}

/** `base` to the power `exponent`, mod 2^32. */
function power(base: number, exponent: number): number {
  let result = 1;
  let square = base;
  for (let e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = Math.imul(result, square);
    square = Math.imul(square, square);
  }
  return result;
}

/**
 * Keys of `name + suffix`, hashed without building that string: the hash of a
 * concatenation is the name's hash times the multiplier to the suffix's length, plus the
 * suffix's hash, so each distinct suffix is hashed once. Being the hash of the whole
 * string, the key is the same for `ab` + `c.py` and `a` + `bc.py`, as it must be.
 */
class PairKeys implements IdentityKeys {
  readonly hashed = true;
  readonly #suffixOf: Int32Array;
  readonly #suffixes: readonly string[];
  /** Per suffix id: its two hashes and the two multipliers to its length. */
  readonly #suffixA: Int32Array;
  readonly #suffixB: Int32Array;
  readonly #powerA: Int32Array;
  readonly #powerB: Int32Array;
  /** Per profile string: whether its hashes are known, and they. */
  readonly #baseKnown: Uint8Array;
  readonly #baseA: Int32Array;
  readonly #baseB: Int32Array;

  constructor(n: number, strings: number, keySuffix: (fn: number) => string) {
    const ids = new StringIds();
    this.#suffixOf = new Int32Array(n);
    for (let fn = 0; fn < n; fn++) this.#suffixOf[fn] = ids.of(keySuffix(fn));
    this.#suffixes = ids.texts;
    const count = ids.texts.length;
    this.#suffixA = new Int32Array(count);
    this.#suffixB = new Int32Array(count);
    this.#powerA = new Int32Array(count);
    this.#powerB = new Int32Array(count);
    for (let id = 0; id < count; id++) {
      const suffix = ids.texts[id] as string;
      hashText(suffix);
      this.#suffixA[id] = laneA;
      this.#suffixB[id] = laneB;
      this.#powerA[id] = power(LANE_A, suffix.length);
      this.#powerB[id] = power(LANE_B, suffix.length);
    }
    this.#baseKnown = new Uint8Array(strings);
    this.#baseA = new Int32Array(strings);
    this.#baseB = new Int32Array(strings);
  }

  /** The key of a name whose hashes are `a` and `b`, for function `fn`. */
  #join(a: number, b: number, fn: number): number {
    const suffix = this.#suffixOf[fn] as number;
    return laneKey(
      (Math.imul(a, this.#powerA[suffix] as number) + (this.#suffixA[suffix] as number)) | 0,
      (Math.imul(b, this.#powerB[suffix] as number) + (this.#suffixB[suffix] as number)) | 0,
    );
  }

  of(name: string, fn: number): number {
    hashText(name);
    return this.#join(laneA, laneB, fn);
  }

  ofBase(name: string, fn: number, index: number): number {
    if (this.#baseKnown[index] === 0) {
      hashText(name);
      this.#baseA[index] = laneA;
      this.#baseB[index] = laneB;
      this.#baseKnown[index] = 1;
    }
    return this.#join(this.#baseA[index] as number, this.#baseB[index] as number, fn);
  }

  ofString(key: string): number {
    hashText(key);
    return laneKey(laneA, laneB);
  }

  same(a: number, nameA: string, b: number, nameB: string): boolean {
    return this.#suffixOf[a] === this.#suffixOf[b]
      ? nameA === nameB
      : this.text(nameA, a) === this.text(nameB, b);
  }

  text(name: string, fn: number): string {
    return name + (this.#suffixes[this.#suffixOf[fn] as number] as string);
  }
}

/**
 * Keys of the names as the consumer writes them (`written`), hashed. Each function's
 * written name is kept, for `same` and as the result; a profile string's is worked out once.
 */
class WrittenKeys implements IdentityKeys {
  readonly hashed = true;
  readonly #written: (name: string) => string;
  /** Per function: the written form of the name its key was last made of. */
  readonly writtenOf: string[];
  /** Per profile string: its written form (undefined until asked) and that form's key. */
  readonly #baseWritten: Array<string | undefined>;
  readonly #baseKey: Float64Array;

  constructor(n: number, strings: number, written: (name: string) => string) {
    this.#written = written;
    this.writtenOf = new Array(n);
    this.#baseWritten = new Array(strings);
    this.#baseKey = new Float64Array(strings);
  }

  of(name: string, fn: number): number {
    const text = this.#written(name);
    this.writtenOf[fn] = text;
    hashText(text);
    return laneKey(laneA, laneB);
  }

  ofBase(name: string, fn: number, index: number): number {
    let text = this.#baseWritten[index];
    if (text === undefined) {
      text = this.#written(name);
      this.#baseWritten[index] = text;
      hashText(text);
      this.#baseKey[index] = laneKey(laneA, laneB);
    }
    this.writtenOf[fn] = text;
    return this.#baseKey[index] as number;
  }

  ofString(key: string): number {
    hashText(key);
    return laneKey(laneA, laneB);
  }

  same(a: number, _nameA: string, b: number): boolean {
    return this.writtenOf[a] === this.writtenOf[b];
  }

  text(name: string): string {
    return this.#written(name);
  }
}
