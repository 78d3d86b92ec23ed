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
import { functionFile, functionKind, functionModule, type Profile } from './profile.js';

export type NameStyle = 'short' | 'qualified';

export interface NamingOptions {
  /** `short` (default): bare names unless ambiguous; `qualified`: always `module.name:line`. */
  style?: NameStyle;
  /**
   * The key under which two names would be the same function for the consumer. Default:
   * KCachegrind's rule with the function's own file and no object.
   */
  identity?: (name: string, fn: number) => string;
  /** Identity keys that are already taken (e.g. a writer's synthetic functions). */
  reserved?: Iterable<string>;
}

/** The text after the last `/` (KCachegrind's basename; `\` does not split). */
export function kcachegrindBasename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** KCachegrind's function key: name ‖ basename(file) ‖ basename(object). */
export function kcachegrindKey(name: string, file: string, object = ''): string {
  return name + kcachegrindBasename(file) + kcachegrindBasename(object);
}

/** Makes a name safe for line-based formats: no control characters, no outer spaces. */
export function sanitizeName(name: string): string {
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

/** Trailing path components of `file` without the extension and a final `__init__`. */
function pathParts(file: string): string[] {
  const parts = file
    .replace(/\\/g, '/')
    .replace(/\.(?:py|pyw|pyc|pyo|pyx)$/i, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.length > 1 && parts[parts.length - 1] === '__init__') parts.pop();
  return parts;
}

/**
 * Shortest dotted path suffixes that tell the given distinct files apart. `partsOf` caches
 * each file's path components (a file meets many groups).
 */
function distinguishingPaths(
  files: readonly string[],
  partsOf: (file: string) => string[],
): Map<string, string> {
  const unique = [...new Set(files)];
  const parts = unique.map(partsOf);
  let longest = 1;
  for (const p of parts) if (p.length > longest) longest = p.length;
  const labels = unique.map(() => '');
  const out = new Map<string, string>();
  for (let depth = 1; depth <= longest; depth++) {
    const owners = new Map<string, number>();
    for (let i = 0; i < unique.length; i++) {
      const file = unique[i] as string;
      if (out.has(file)) continue;
      const p = parts[i] as string[];
      // The last `depth` components (all of them once depth exceeds the path).
      if (depth <= p.length) {
        const part = p[p.length - depth] as string;
        labels[i] = depth === 1 ? part : `${part}.${labels[i]}`;
      }
      const label = labels[i] as string;
      owners.set(label, owners.has(label) ? -1 : i);
    }
    // A label may be final only if no other file (final or not) shares it.
    const taken = new Set(out.values());
    for (const [label, owner] of owners)
      if (owner >= 0 && !taken.has(label)) out.set(unique[owner] as string, label);
    if (out.size === unique.length) break;
  }
  for (const f of unique) if (!out.has(f)) out.set(f, f);
  return out;
}

/**
 * One display name per function, unique under `options.identity` (KCachegrind's key by
 * default). Every writer takes its names from here.
 */
export function uniqueFunctionNames(profile: Profile, options: NamingOptions = {}): string[] {
  const n = profile.functions.length;
  const identity =
    options.identity ??
    ((name: string, fn: number) => kcachegrindKey(name, functionFile(profile, fn)));
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
  const isPython = (fn: number) => functionKind(profile, fn) === 'python';
  const line = (fn: number) => profile.functions.line[fn] as number;
  const fullyQualified = (fn: number) => {
    const module = functionModule(profile, fn);
    return `${module ? `${sanitizeName(module)}.` : ''}${base[fn]}:${line(fn)}`;
  };

  const partsCache = new Map<string, string[]>();
  const partsOf = (file: string): string[] => {
    let parts = partsCache.get(file);
    if (!parts) {
      parts = pathParts(file);
      partsCache.set(file, parts);
    }
    return parts;
  };

  const names = base.map((name, fn) =>
    options.style === 'qualified' && isPython(fn) ? fullyQualified(fn) : name,
  );
  const level = new Uint8Array(n).fill(options.style === 'qualified' ? 2 : 0);
  const reserved = new Set(options.reserved ?? []);

  // Keys are recomputed only for functions whose name changed; a round groups the keys
  // that are taken more than once (or reserved) and qualifies those groups one level more.
  const keys: string[] = new Array(n);
  const dirty = new Uint8Array(n).fill(1);
  let groups = new Map<string, number[]>();
  for (let round = 0; round < 5; round++) {
    const first = new Map<string, number>();
    groups = new Map<string, number[]>();
    for (let fn = 0; fn < n; fn++) {
      if (dirty[fn]) {
        keys[fn] = identity(names[fn] as string, fn);
        dirty[fn] = 0;
      }
      const key = keys[fn] as string;
      const owner = first.get(key);
      if (owner === undefined) {
        first.set(key, fn);
        if (reserved.has(key)) groups.set(key, [fn]);
      } else {
        const group = groups.get(key);
        if (group) group.push(fn);
        else groups.set(key, [owner, fn]);
      }
    }
    if (groups.size === 0 || round === 4) break;
    let changed = false;
    for (const group of groups.values()) {
      let current = 3;
      for (const fn of group) if ((level[fn] as number) < current) current = level[fn] as number;
      if (current === 0) {
        // Level 1: the distinguishing package path where files differ, the line where they do not.
        const paths = distinguishingPaths(
          group.map((fn) => functionFile(profile, fn)),
          partsOf,
        );
        const fileCount = new Map<string, number>();
        for (const fn of group) {
          const file = functionFile(profile, fn);
          fileCount.set(file, (fileCount.get(file) ?? 0) + 1);
        }
        const manyFiles = fileCount.size > 1;
        for (const fn of group) {
          const file = functionFile(profile, fn);
          let name = base[fn] as string;
          if (manyFiles && file !== '' && isPython(fn)) name = `${paths.get(file)}.${name}`;
          if ((fileCount.get(file) as number) > 1 || group.length === 1)
            name = `${name}:${line(fn)}`;
          names[fn] = name;
          level[fn] = 1;
          dirty[fn] = 1;
        }
      } else if (current === 1) {
        for (const fn of group) {
          names[fn] = isPython(fn)
            ? fullyQualified(fn)
            : `${base[fn]} (${sanitizeName(functionFile(profile, fn))}:${line(fn)})`;
          level[fn] = 2;
          dirty[fn] = 1;
        }
      } else {
        for (const fn of group) level[fn] = 3;
        continue;
      }
      changed = true;
    }
    if (!changed) break;
  }
  if (groups.size === 0) return names;

  // Last resort: a counter suffix, checked against every key already in use.
  const used = new Set(reserved);
  const pending: number[] = [];
  for (const group of groups.values()) for (const fn of group) pending.push(fn);
  pending.sort((a, b) => a - b);
  const isPending = new Uint8Array(n);
  for (const fn of pending) isPending[fn] = 1;
  for (let fn = 0; fn < n; fn++) if (!isPending[fn]) used.add(keys[fn] as string);
  for (const fn of pending) {
    const stem = names[fn] as string;
    for (let k = 1; ; k++) {
      const candidate = `${stem} #${k}`;
      const key = identity(candidate, fn);
      if (!used.has(key)) {
        names[fn] = candidate;
        used.add(key);
        break;
      }
    }
  }
  return names;
}
