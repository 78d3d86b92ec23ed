/**
 * The format registry: an immutable list of input and output plugins with the rules for
 * choosing a reader. It is built once (by the CLI from its bundled plugins plus any given
 * with `--plugin`) and frozen; `with()` returns a new registry, so a registry shared by a
 * module can never be changed under its users. Construction checks the plugins' shapes and
 * that names and extensions are unique, naming both plugins when they are not.
 *
 * Reader choice: explicit `--from`, else detectors answering `certain`, else the file
 * extension, else detectors answering `likely`; two candidates in one tier is an
 * `AMBIGUOUS_FORMAT` error naming them.
 */
import { ProfileError } from './errors.js';
import {
  type Confidence,
  type InputPlugin,
  isInputPlugin,
  isOutputPlugin,
  type OutputPlugin,
  type Plugin,
} from './plugin.js';

/** How many leading bytes detectors see. */
export const DETECT_HEAD_BYTES = 4096;

export interface Registry {
  readonly plugins: readonly Plugin[];
  readonly readers: readonly InputPlugin[];
  readonly writers: readonly OutputPlugin[];
  reader(name: string): InputPlugin | undefined;
  writer(name: string): OutputPlugin | undefined;
  /** The reader for these bytes (see the file comment), or a `ProfileError`. */
  resolveInput(head: Uint8Array, options?: { fileName?: string; from?: string }): InputPlugin;
  /** The writer named `to`, or an `UNKNOWN_FORMAT` error listing the writers. */
  resolveOutput(to: string): OutputPlugin;
  /** A new registry with more plugins (same checks). */
  with(plugins: readonly Plugin[]): Registry;
}

function safeDetect(
  plugin: InputPlugin,
  head: Uint8Array,
  fileName?: string,
): Confidence | undefined {
  try {
    const answer = plugin.detect(head, fileName === undefined ? {} : { fileName });
    return answer === 'certain' || answer === 'likely' ? answer : undefined;
  } catch {
    return undefined;
  }
}

function extensionOf(fileName: string): string[] {
  const base = fileName
    .slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1)
    .toLowerCase();
  const out: string[] = [];
  for (let i = base.indexOf('.'); i >= 0; i = base.indexOf('.', i + 1)) out.push(base.slice(i));
  return out; // longest first: '.lsprof.pickle', '.pickle'
}

export function createRegistry(plugins: readonly Plugin[]): Registry {
  const readers: InputPlugin[] = [];
  const writers: OutputPlugin[] = [];
  for (const plugin of plugins) {
    const isReader = isInputPlugin(plugin);
    const isWriter = isOutputPlugin(plugin);
    if (!isReader && !isWriter) {
      const name = (plugin as { name?: unknown })?.name;
      throw new TypeError(
        `not a pyprof plugin${typeof name === 'string' ? ` (${name})` : ''}: an input plugin needs name, detect() and read(); an output plugin needs name and write()`,
      );
    }
    if (!/^[a-z][a-z0-9-]*$/.test(plugin.name)) {
      throw new TypeError(
        `plugin name ${JSON.stringify(plugin.name)} must be lower-case letters, digits and dashes`,
      );
    }
    if (isReader) {
      const clash = readers.find((r) => r.name === plugin.name);
      if (clash)
        throw new TypeError(
          `two input plugins are named ${plugin.name}: "${clash.title}" and "${plugin.title}"`,
        );
      for (const ext of plugin.extensions) {
        if (!ext.startsWith('.'))
          throw new TypeError(
            `input plugin ${plugin.name}: extension ${JSON.stringify(ext)} must start with a dot`,
          );
        const owner = readers.find((r) =>
          r.extensions.map((e) => e.toLowerCase()).includes(ext.toLowerCase()),
        );
        if (owner)
          throw new TypeError(
            `input plugins ${owner.name} and ${plugin.name} both claim the extension ${ext}`,
          );
      }
      readers.push(plugin);
    }
    if (isWriter) {
      const clash = writers.find((w) => w.name === plugin.name);
      if (clash)
        throw new TypeError(
          `two output plugins are named ${plugin.name}: "${clash.title}" and "${(plugin as OutputPlugin).title}"`,
        );
      writers.push(plugin as OutputPlugin);
    }
  }
  const frozenPlugins = Object.freeze([...plugins]);
  const frozenReaders = Object.freeze(readers);
  const frozenWriters = Object.freeze(writers);
  const names = (list: readonly Plugin[]) => list.map((p) => p.name).join(', ');

  const registry: Registry = {
    plugins: frozenPlugins,
    readers: frozenReaders,
    writers: frozenWriters,
    reader: (name) => frozenReaders.find((r) => r.name === name),
    writer: (name) => frozenWriters.find((w) => w.name === name),
    resolveOutput(to) {
      const writer = frozenWriters.find((w) => w.name === to);
      if (!writer) {
        throw new ProfileError(
          'UNKNOWN_FORMAT',
          `unknown output format ${JSON.stringify(to)} (available: ${names(frozenWriters)})`,
        );
      }
      return writer;
    },
    resolveInput(fullHead, options = {}) {
      if (options.from !== undefined) {
        const reader = frozenReaders.find((r) => r.name === options.from);
        if (!reader) {
          throw new ProfileError(
            'UNKNOWN_FORMAT',
            `unknown input format ${JSON.stringify(options.from)} (available: ${names(frozenReaders)})`,
          );
        }
        return reader;
      }
      const head = fullHead.subarray(0, DETECT_HEAD_BYTES);
      const answers = frozenReaders.map((r) => [r, safeDetect(r, head, options.fileName)] as const);
      const pick = (candidates: InputPlugin[], why: string): InputPlugin | undefined => {
        if (candidates.length === 1) return candidates[0];
        if (candidates.length > 1) {
          throw new ProfileError(
            'AMBIGUOUS_FORMAT',
            `ambiguous input format: ${why} (${names(candidates)}); choose one with --from`,
          );
        }
        return undefined;
      };
      const certain = pick(
        answers.filter(([, a]) => a === 'certain').map(([r]) => r),
        'several readers recognise the content',
      );
      if (certain) return certain;
      if (options.fileName !== undefined) {
        for (const ext of extensionOf(options.fileName)) {
          const byExt = frozenReaders.filter((r) =>
            r.extensions.some((e) => e.toLowerCase() === ext),
          );
          const found = pick(byExt, `several readers claim the extension ${ext}`);
          if (found) return found;
        }
      }
      const likely = pick(
        answers.filter(([, a]) => a === 'likely').map(([r]) => r),
        'several readers find the content plausible',
      );
      if (likely) return likely;
      throw new ProfileError(
        'UNKNOWN_FORMAT',
        `unknown input format: no reader recognises the content${head.length === 0 ? ' (the input is empty)' : ''} (supported: ${frozenReaders
          .map((r) => `${r.name} = ${r.title}`)
          .join('; ')}); choose one with --from`,
      );
    },
    with: (more) => createRegistry([...frozenPlugins, ...more]),
  };
  return Object.freeze(registry);
}
