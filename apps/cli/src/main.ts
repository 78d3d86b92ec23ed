/**
 * The `pyprof` command: a thin layer that composes plugins. It parses arguments (flags
 * for plugin options come from the plugins' declared option specs), opens inputs, picks
 * readers through the registry, passes the writer's needs to the readers, merges several
 * inputs, and writes the output where it was asked. Everything else lives in the
 * packages. `main` takes its streams as arguments so tests run it in-process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  costUnitOf,
  createRegistry,
  type Diagnostic,
  type InputPlugin,
  isInputPlugin,
  isOutputPlugin,
  mergeProfileSets,
  type OptionSpec,
  type OptionValues,
  type OutputPlugin,
  outputNeeds,
  type Plugin,
  type Profile,
  ProfileError,
  type ProfileSet,
  type Registry,
  readStreamWith,
  readWith,
  resolveOptions,
  totalCalls,
  totalSelfTime,
  validateProfile,
  writeChunks,
} from '@pyprof/core';
import { EXIT, exitCodeFor, formatError } from './exit-codes.js';
import { builtinFormats } from './formats.js';
import { openInput } from './input.js';
import { type OutputTarget, writeOutput } from './output.js';
import { PROGRESS_THRESHOLD, Progress } from './progress.js';
import { sourceFiles } from './sources.js';
import {
  callgrindViewer,
  openInCallgrindViewer,
  openInSpeedscope,
  VIEWERS,
  type Viewer,
  viewFolder,
} from './view.js';

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  /** Folder for default output names (default: the process's working folder). */
  cwd?: string;
  /** Set when stdout/stderr are terminals. */
  stdoutTerminal?: { columns: number } | undefined;
  stderrTerminal?: { columns: number } | undefined;
}

const VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;
export const PRODUCER = `pyprof@${VERSION}`;
/** Inputs larger than this are streamed to readers that can stream. */
const STREAM_THRESHOLD = 32 * 1024 * 1024;

type Flags = Record<string, string | boolean | string[] | undefined>;

const GLOBAL_OPTIONS = {
  to: { type: 'string' },
  output: { type: 'string', short: 'o' },
  from: { type: 'string' },
  thread: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  sources: { type: 'string', multiple: true },
  with: { type: 'string' },
  strict: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

const GLOBAL_HELP: Record<string, string> = {
  to: 'output format (see `pyprof formats`)',
  output: "output file, or - for stdout (default: the format's usual file name, else stdout)",
  from: 'input format, when detection is not wanted',
  thread:
    'convert only this thread (its id, `main`, its label, or #index) of a multi-thread profile',
  plugin: 'load a third-party input or output plugin module (repeatable)',
  sources:
    "a folder with the profiled program's source files (repeatable): sampled stacks (collapsed) tell same-named functions apart by the def around each sampled line; the paths the profile records are tried too",
  strict: 'fail (exit 6) when there is any warning',
  quiet: 'no summary line on stderr',
};

/**
 * An integer with thousands separators (`248,589,990`). Not `toLocaleString`: its first
 * call loads ICU's number formatting, 15 ms of every conversion. Plain digits (every count)
 * are grouped by a loop, as setting up the regular expression took ~1.7 ms; anything else
 * (an exponent, NaN) goes through it.
 */
function withCommas(value: number): string {
  const text = String(value);
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return text.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  let out = '';
  for (let k = 0; k < text.length; k++) {
    if (k > 0 && (text.length - k) % 3 === 0) out += ',';
    out += text[k];
  }
  return out;
}

/** The profile's total: seconds, or samples for sampled stacks counted in samples. */
function formatTotal(profile: Profile): string {
  const total = totalSelfTime(profile);
  return costUnitOf(profile) === 'samples' ? `${withCommas(total)} samples` : formatSeconds(total);
}

/** `1.234 s`, `12.346 ms`, `0.509 ms`. */
export function formatSeconds(seconds: number): string {
  if (Number.isNaN(seconds)) return 'unknown';
  return Math.abs(seconds) >= 1 ? `${seconds.toFixed(3)} s` : `${(seconds * 1000).toFixed(3)} ms`;
}

function usage(message: string): ProfileError {
  return new ProfileError('INVALID_OPTION', message);
}

class Cli {
  readonly io: Io;
  registry: Registry;
  readonly warnings: Diagnostic[] = [];
  /** The progress bar being shown, if any (warnings erase it first). */
  progress: Progress | undefined;

  constructor(io: Io) {
    this.io = io;
    this.registry = createRegistry(builtinFormats);
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  /** Loads `--plugin` modules (default export: a plugin or an array of plugins). */
  async loadPlugins(specs: readonly string[]): Promise<void> {
    const plugins: Plugin[] = [];
    for (const spec of specs) {
      const url =
        spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(resolve(spec)).href : spec;
      let module: { default?: unknown };
      try {
        module = (await import(url)) as { default?: unknown };
      } catch (error) {
        const code = (error as { code?: string }).code;
        const reason =
          code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(url)
            ? 'no such file or package'
            : (String(error instanceof Error ? error.message : error).split('\n')[0] as string);
        throw new ProfileError('IO_ERROR', `cannot load plugin ${spec}: ${reason}`, {
          cause: error,
        });
      }
      const exported = module.default;
      const list = Array.isArray(exported) ? exported : [exported];
      for (const plugin of list) {
        if (!isInputPlugin(plugin) && !isOutputPlugin(plugin)) {
          throw usage(
            `${spec} does not export a pyprof plugin as its default export (an input plugin needs name, detect() and read(); an output plugin needs name and write())`,
          );
        }
        plugins.push(plugin as Plugin);
      }
    }
    try {
      this.registry = this.registry.with(plugins);
    } catch (error) {
      throw usage(`cannot add plugins: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Every plugin option, as `parseArgs` options (the union; ownership is checked later). */
  pluginOptionConfig(): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
    const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
    for (const plugin of this.registry.plugins) {
      for (const [name, spec] of Object.entries(plugin.options ?? {})) {
        if (name in GLOBAL_OPTIONS) continue;
        const type = spec.type === 'boolean' ? 'boolean' : 'string';
        const previous = config[name];
        config[name] = {
          type: previous && previous.type !== type ? 'string' : type,
          ...(spec.repeatable || previous?.multiple ? { multiple: true } : {}),
        };
      }
    }
    return config;
  }

  parse(args: string[]): { flags: Flags; positionals: string[] } {
    try {
      const { values, positionals } = parseArgs({
        args,
        options: { ...this.pluginOptionConfig(), ...GLOBAL_OPTIONS },
        allowPositionals: true,
        strict: true,
      });
      return { flags: values as Flags, positionals };
    } catch (error) {
      const message =
        error instanceof Error
          ? error.message.replace(/\. To specify a positional argument.*$/s, '')
          : String(error);
      throw usage(`${message.replace(/^Unknown option/, 'unknown option')} (see pyprof --help)`);
    }
  }

  /** The values of `plugin`'s options among the flags. */
  optionsFor(plugin: Plugin, flags: Flags): OptionValues {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(plugin.options ?? {})) {
      if (flags[name] !== undefined) out[name] = flags[name];
    }
    return out;
  }

  /** Every non-global flag must belong to one of the plugins in use. */
  checkOwnership(flags: Flags, plugins: readonly Plugin[]): void {
    for (const name of Object.keys(flags)) {
      if (name in GLOBAL_OPTIONS || flags[name] === undefined) continue;
      if (plugins.some((p) => p.options && name in p.options)) continue;
      const owners = this.registry.plugins
        .filter((p) => p.options && name in p.options)
        .map((p) => p.name);
      throw usage(
        `--${name} is an option of ${owners.join(', ')}, not of ${plugins.map((p) => p.name).join(' or ')}`,
      );
    }
  }

  warn(label: string, diagnostic: Diagnostic): void {
    this.warnings.push(diagnostic);
    this.progress?.finish();
    this.err(
      `${label}: ${diagnostic.severity}: ${diagnostic.message} [${diagnostic.source}/${diagnostic.code}]\n`,
    );
  }

  /** Reads every input (several merge into one set), validating what the readers return. */
  async readInputs(
    specs: readonly string[],
    flags: Flags,
    writer: OutputPlugin | undefined,
  ): Promise<{ set: ProfileSet; readers: InputPlugin[]; names: string[] }> {
    const sets: ProfileSet[] = [];
    const readers: InputPlugin[] = [];
    const names: string[] = [];
    for (const spec of specs) {
      const input = await openInput(spec, this.io.stdin);
      let set: ProfileSet;
      let reader: InputPlugin;
      try {
        reader = this.registry.resolveInput(input.head, {
          ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
          ...(typeof flags.from === 'string' ? { from: flags.from } : {}),
        });
        readers.push(reader);
        this.checkOwnership(flags, [...readers, ...(writer ? [writer] : [])]);
        const init = {
          options: this.optionsFor(reader, flags),
          needs: writer
            ? outputNeeds(
                writer,
                resolveOptions(writer.options, this.optionsFor(writer, flags), writer.name),
              )
            : {},
          ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
          sources: sourceFiles(
            Array.isArray(flags.sources) ? flags.sources : [],
            this.io.cwd ?? '.',
          ),
          onWarning: (d: Diagnostic) => this.warn(input.label, d),
        };
        const stream =
          reader.readStream !== undefined &&
          (input.compressed || input.spec === '-' || (input.size ?? 0) > STREAM_THRESHOLD);
        const terminal = this.io.stderrTerminal;
        const progress =
          terminal && !flags.quiet && (input.size === undefined || input.size > PROGRESS_THRESHOLD)
            ? new Progress(
                this.io.stderr,
                terminal.columns,
                input.label,
                input.compressed ? undefined : input.size,
              )
            : undefined;
        this.progress = progress;
        try {
          if (stream) {
            set = await readStreamWith(
              reader,
              progress ? progress.track(input.stream()) : input.stream(),
              init,
            );
          } else {
            progress?.draw();
            const bytes = await input.readAll();
            progress?.advance(bytes.length);
            progress?.draw();
            set = readWith(reader, bytes, init);
          }
        } finally {
          progress?.finish();
          this.progress = undefined;
        }
      } catch (error) {
        throw Object.assign(error as object, { inputLabel: input.label });
      }
      // Third-party readers are checked on every read; the bundled ones are held to the
      // same invariants by their test suites (oracles and fuzz properties), which keeps
      // large conversions from paying for a second pass over every edge.
      const checked =
        builtinFormats.includes(reader) && this.io.env.PYPROF_VALIDATE === undefined
          ? []
          : [...set.parts, set.whole];
      for (const profile of new Set(checked)) {
        const { errors, errorCount } = validateProfile(profile);
        if (errorCount > 0) {
          throw Object.assign(
            new ProfileError(
              'INVALID_PROFILE',
              `the ${reader.name} reader produced an invalid profile (a bug, please report it): ${errors.slice(0, 3).join('; ')}`,
              { format: reader.name },
            ),
            { inputLabel: input.label },
          );
        }
      }
      sets.push(set);
      names.push(input.fileName ?? 'stdin');
    }
    return { set: mergeProfileSets(sets, { order: 'pstats' }), readers, names };
  }

  selectThread(set: ProfileSet, selector: string | undefined): ProfileSet {
    if (selector === undefined) return set;
    const parts = set.parts;
    const index = /^#(\d+)$/.exec(selector);
    const found = index
      ? parts[Number(index[1])]
      : (parts.find((p) => p.metadata.threadId === selector) ??
        (selector === 'main' ? parts.find((p) => p.metadata.label === 'main thread') : undefined) ??
        parts.find((p) => p.metadata.label === selector));
    if (!found) {
      const known = parts.map((p, i) => {
        const name =
          p.metadata.label ?? (p.metadata.threadId ? `thread ${p.metadata.threadId}` : '');
        return `#${i}${name ? ` ${name}` : ''}`;
      });
      throw usage(
        `no thread ${JSON.stringify(selector)} in the input; it has: ${known.join(', ')}`,
      );
    }
    return { parts: [found], whole: found };
  }

  summary(profile: Profile): string {
    // Sampled stacks count no calls: say so rather than print NaN.
    const calls = profile.metadata.sampled
      ? 'sampled stacks'
      : `${withCommas(totalCalls(profile))} calls`;
    return `${withCommas(profile.functions.length)} functions, ${calls}, ${formatTotal(profile)} total`;
  }

  async convert(positionals: string[], flags: Flags): Promise<number> {
    if (flags.help) {
      this.out(this.convertHelp());
      return EXIT.ok;
    }
    if (positionals.length === 0)
      throw usage(
        'convert needs at least one input file (or - for stdin); see pyprof convert --help',
      );
    if (typeof flags.to !== 'string')
      throw usage(
        `convert needs --to <format> (one of: ${this.registry.writers.map((w) => w.name).join(', ')})`,
      );
    const writer = this.registry.resolveOutput(flags.to);
    const done = await this.produce(
      positionals,
      flags,
      writer,
      (names) => this.outputTarget(flags, writer, names),
      'written',
    );
    if (!done) return EXIT.strictWarnings;
    if (!flags.quiet) {
      const where = done.target.kind === 'stdout' ? 'stdout' : done.target.path;
      this.err(`pyprof: wrote ${writer.name} to ${where} (${this.summary(done.set.whole)})\n`);
    }
    return EXIT.ok;
  }

  /**
   * The steps `convert` and `view` share: read the inputs (passing on the writer's needs),
   * stop under --strict when there were warnings, select the thread, write to the target.
   * Returns undefined when --strict stopped it.
   */
  async produce<Target extends OutputTarget>(
    positionals: string[],
    flags: Flags,
    writer: OutputPlugin,
    targetFor: (names: readonly string[]) => Target,
    outcome: 'written' | 'opened',
  ): Promise<{ set: ProfileSet; target: Target } | undefined> {
    const { set: read, names } = await this.readInputs(positionals, flags, writer);
    if (flags.strict && this.warnings.length > 0) {
      this.err(
        `pyprof: ${this.warnings.length} warning${this.warnings.length === 1 ? '' : 's'}; nothing ${outcome} because of --strict\n`,
      );
      return undefined;
    }
    const set = this.selectThread(
      read,
      typeof flags.thread === 'string' ? flags.thread : undefined,
    );
    const target = targetFor(names);
    const terminal = target.kind === 'stdout' ? this.io.stdoutTerminal : undefined;
    const chunks = writeChunks(writer, set, {
      options: this.optionsFor(writer, flags),
      context: {
        producer: PRODUCER,
        inputName: names.join(' + '),
        ...(terminal
          ? { terminal: { width: terminal.columns, color: !this.io.env.NO_COLOR } }
          : {}),
        warn: (d) => this.warn('pyprof', { severity: 'warning', source: writer.name, ...d }),
      },
    });
    await writeOutput(chunks, target, this.io.stdout, positionals);
    return { set, target };
  }

  outputTarget(flags: Flags, writer: OutputPlugin, names: readonly string[]): OutputTarget {
    if (flags.output === '-') return { kind: 'stdout' };
    if (typeof flags.output === 'string') return { kind: 'file', path: flags.output };
    if (writer.defaultOutputName) {
      const folder = this.io.cwd ?? '.';
      const name = writer.defaultOutputName(names[0] ?? 'stdin', readdirSync(folder));
      return { kind: 'file', path: this.io.cwd === undefined ? name : join(folder, name) };
    }
    return { kind: 'stdout' };
  }

  async view(positionals: string[], flags: Flags): Promise<number> {
    if (flags.help) {
      this.out(`Usage: pyprof view <inputs…> [--with ${VIEWERS.join('|')}] [convert options]

Converts to a temporary file and opens it: in KCachegrind (or QCachegrind) by default, or
in the speedscope app bundled with pyprof (opened from disk in your browser, no network).
`);
      return EXIT.ok;
    }
    if (positionals.length === 0)
      throw usage('view needs at least one input file (or - for stdin)');
    const asked = flags.with;
    if (asked !== undefined && !VIEWERS.includes(asked as Viewer)) {
      throw usage(`--with must be one of ${VIEWERS.join(', ')}, got ${JSON.stringify(asked)}`);
    }
    const viewer = asked as Viewer | undefined;
    const writer = this.registry.resolveOutput(
      viewer === 'speedscope' ? 'speedscope' : 'callgrind',
    );
    // Fail before reading when the viewer cannot be started.
    const executable =
      viewer === 'speedscope' ? undefined : callgrindViewer(viewer, this.io.env.PATH);
    const done = await this.produce(
      positionals,
      flags,
      writer,
      (names) => {
        const base = (names[0] ?? 'stdin').replace(/[\\/]/g, '_');
        const name = writer.defaultOutputName
          ? writer.defaultOutputName(base, [])
          : `${base}${writer.extension}`;
        return { kind: 'file' as const, path: join(viewFolder(), name) };
      },
      'opened',
    );
    if (!done) return EXIT.strictWarnings;
    const { set } = done;
    const file = done.target.path;
    if (executable) {
      openInCallgrindViewer(executable, file);
      if (!flags.quiet)
        this.err(
          `pyprof: opened ${file} in ${executable.slice(executable.lastIndexOf('/') + 1)} (${this.summary(set.whole)})\n`,
        );
      return EXIT.ok;
    }
    const { url, opened } = openInSpeedscope(file, readFileSync(file), this.io.env);
    if (!opened) {
      this.err(
        `pyprof: no browser found to open speedscope; open this address yourself:\n${url}\n`,
      );
    } else if (!flags.quiet) {
      this.err(`pyprof: opened ${file} in speedscope (${this.summary(set.whole)})\n`);
    }
    return EXIT.ok;
  }

  async info(positionals: string[], flags: Flags): Promise<number> {
    if (flags.help) {
      this.out(
        'Usage: pyprof info <input> [--from FORMAT]\n\nPrints what pyprof finds in a profile: format, producer, Python version, threads, functions, calls, total time, warnings.\n',
      );
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw usage('info takes exactly one input');
    const { set, readers } = await this.readInputs(positionals, flags, undefined);
    const whole = set.whole;
    const m = whole.metadata;
    const reader = readers[0] as InputPlugin;
    const lines = [
      `file: ${positionals[0]}`,
      `format: ${reader.name} (${reader.title})`,
      `producer: ${m.producer ?? 'unknown'}`,
      `python: ${m.pythonVersion ?? 'unknown'}`,
      ...(m.command ? [`command: ${m.command}`] : []),
      ...(m.timeUnit ? [`time: ${m.timeUnit}`] : []),
      `threads: ${set.parts.length}${set.parts.length > 1 ? ` (${set.parts.map((p) => p.metadata.threadId ?? p.metadata.label ?? '?').join(', ')})` : ''}`,
      `functions: ${whole.functions.length}`,
      `calls: ${whole.metadata.sampled ? 'not recorded (sampled stacks)' : totalCalls(whole)}`,
      `total time: ${formatTotal(whole)}`,
      `warnings: ${this.warnings.length === 0 ? 'none' : this.warnings.length}`,
      ...this.warnings.map((w) => `  ${w.code}: ${w.message}`),
    ];
    this.out(`${lines.join('\n')}\n`);
    return EXIT.ok;
  }

  formats(): number {
    const rows = [
      ['name', 'reads', 'writes', 'extensions', 'description'],
      ...[...new Set(this.registry.plugins.map((p) => p.name))].map((name) => {
        const reader = this.registry.reader(name);
        const writer = this.registry.writer(name);
        return [
          name,
          reader ? 'yes' : '-',
          writer ? 'yes' : '-',
          (reader ? reader.extensions.join(' ') : writer?.extension) || '-',
          (reader ?? writer)?.title ?? '',
        ];
      }),
    ];
    const widths =
      rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length))) ?? [];
    this.out(
      `${rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] as number))).join('  ')).join('\n')}\n`,
    );
    return EXIT.ok;
  }

  optionHelp(name: string, spec: OptionSpec): string {
    const value =
      spec.type === 'boolean'
        ? ''
        : spec.type === 'choice'
          ? ` <${(spec.choices ?? []).join('|')}>`
          : ` <${spec.placeholder ?? spec.type}>`;
    const extra = [
      spec.repeatable ? 'repeatable' : '',
      spec.default !== undefined && spec.type !== 'boolean' ? `default: ${spec.default}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `  --${name}${value}\n      ${spec.description}${extra ? ` (${extra})` : ''}\n`;
  }

  convertHelp(): string {
    let text = `Usage: pyprof convert <inputs…> --to <format> [-o FILE|-] [options]

Converts one or more profiles (several inputs are merged) into another format.
Inputs are files or - for stdin; gzip-compressed inputs are unpacked first.

Options:
  --to <${this.registry.writers.map((w) => w.name).join('|')}>
      ${GLOBAL_HELP.to}
  -o, --output <file|->
      ${GLOBAL_HELP.output}
  --from <${this.registry.readers.map((r) => r.name).join('|')}>
      ${GLOBAL_HELP.from}
  --thread <id|label|#n>
      ${GLOBAL_HELP.thread}
  --plugin <module>
      ${GLOBAL_HELP.plugin}
  --sources <dir>
      ${GLOBAL_HELP.sources}
  --strict
      ${GLOBAL_HELP.strict}
  -q, --quiet
      ${GLOBAL_HELP.quiet}
`;
    for (const plugin of this.registry.plugins) {
      const options = Object.entries(plugin.options ?? {});
      if (options.length === 0) continue;
      const role = isInputPlugin(plugin) ? 'input' : 'output';
      text += `\n${role} ${plugin.name} (${plugin.title}):\n`;
      for (const [name, spec] of options) text += this.optionHelp(name, spec);
    }
    return text;
  }

  help(): string {
    return `pyprof ${VERSION} — convert Python profiler output (cProfile/profile pstats, hotshot,
lsprof) to callgrind, speedscope and text, from any Python version, without Python.

Usage:
  pyprof convert <inputs…> --to <format> [-o FILE|-] [options]
  pyprof info <input>
  pyprof view <inputs…> [--with kcachegrind|qcachegrind|speedscope]
  pyprof formats
  pyprof --version

Examples:
  pyprof convert run.prof --to callgrind          writes callgrind.out.run.prof
  pyprof convert run.prof --to text --sort cumulative --limit 20
  python -m cProfile -o - app.py | pyprof convert - --to speedscope -o app.speedscope.json

Run \`pyprof convert --help\` for every option, \`pyprof formats\` for the formats.
Exit status: 0 ok, 1 internal error, 2 usage, 3 unknown or ambiguous format,
4 malformed input, 5 unsupported version or feature, 6 warnings under --strict,
7 unsafe input (e.g. a pickle naming a forbidden global), 8 I/O error.
`;
  }
}

const COMMANDS = new Set(['convert', 'info', 'view', 'formats', 'help']);

/** Runs the command line; returns the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const cli = new Cli(io);
  let label: string | undefined;
  try {
    const args = [...argv];
    const command =
      args[0] !== undefined && COMMANDS.has(args[0])
        ? (args.shift() as string)
        : args.length > 0 && !args[0]?.startsWith('-')
          ? 'convert'
          : undefined;
    const pluginSpecs: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === '--plugin' && args[i + 1] !== undefined) pluginSpecs.push(args[i + 1] as string);
      else if (arg.startsWith('--plugin=')) pluginSpecs.push(arg.slice('--plugin='.length));
    }
    await cli.loadPlugins(pluginSpecs);
    const { flags, positionals } = cli.parse(args);
    if (flags.version) {
      cli.out(`${VERSION}\n`);
      return EXIT.ok;
    }
    switch (command) {
      case 'convert':
        return await cli.convert(positionals, flags);
      case 'info':
        return await cli.info(positionals, flags);
      case 'view':
        return await cli.view(positionals, flags);
      case 'formats':
        return cli.formats();
      default:
        cli.out(cli.help());
        return command === 'help' || flags.help ? EXIT.ok : EXIT.usage;
    }
  } catch (error) {
    label = (error as { inputLabel?: string }).inputLabel;
    const code = exitCodeFor(error);
    io.stderr.write(`${label === undefined ? 'pyprof: ' : ''}${formatError(error, label)}\n`);
    return code;
  }
}
