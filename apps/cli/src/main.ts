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
  convert,
  costUnitOf,
  createRegistry,
  type Diagnostic,
  Diagnostics,
  type InputPlugin,
  isInputPlugin,
  isOutputPlugin,
  isProfileError,
  type LoadOptions,
  loadProfiles,
  type OptionSpec,
  type OutputPlugin,
  type Plugin,
  type Profile,
  ProfileError,
  type ProfileSet,
  type Registry,
  totalCalls,
  totalSelfTime,
} from '@pyprof/core';
import { EXIT, exitCodeFor, formatError } from './exit-codes.js';
import { builtinFormats } from './formats.js';
import { commandLineInputs, type ReadProgress } from './input.js';
import { type OutputTarget, streamsTo, writeOutput } from './output.js';
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
  /** Every stage's diagnostics (core's one list); printed as they become known. */
  readonly diagnostics = new Diagnostics();
  /** How many reports of each diagnostic have been printed. */
  readonly printed = new Map<Diagnostic, number>();
  /** The progress bar being shown, if any (diagnostics erase it first). */
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

  /** A progress bar for reading one input, shown only when it helps (see progress.ts). */
  readProgress(label: string, size: number | undefined, quiet: boolean): ReadProgress | undefined {
    const terminal = this.io.stderrTerminal;
    if (!terminal || quiet || (size !== undefined && size <= PROGRESS_THRESHOLD)) return undefined;
    let bar: Progress | undefined;
    const shown = (): Progress => {
      if (bar === undefined) {
        this.progress?.finish();
        bar = new Progress(this.io.stderr, terminal.columns, label, size);
        this.progress = bar;
      }
      return bar;
    };
    return { start: () => shown().draw(), advance: (bytes) => shown().advance(bytes) };
  }

  /**
   * Prints the diagnostics not printed yet, one line each (`<input or pyprof>: <severity>:
   * <message> [<source>/<code>]`), repeats as a count; erases the progress bar first.
   */
  printDiagnostics(): void {
    this.progress?.finish();
    this.progress = undefined;
    for (const d of this.diagnostics.list) {
      const shown = this.printed.get(d) ?? 0;
      if (shown === d.count) continue;
      const label = d.input ?? 'pyprof';
      const more = d.count - Math.max(shown, 1);
      this.err(
        shown === 0
          ? `${label}: ${d.severity}: ${d.message} [${d.source}/${d.code}]${more > 0 ? ` (and ${more} more like it)` : ''}\n`
          : `${label}: ${d.severity}: and ${d.count - shown} more like [${d.source}/${d.code}]\n`,
      );
      this.printed.set(d, d.count);
    }
  }

  /** What `convert` needs from the command line, for `convert`, `view` and `info`. */
  loadOptions(positionals: readonly string[], flags: Flags): LoadOptions {
    const options: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(flags)) {
      if (!(name in GLOBAL_OPTIONS) && value !== undefined) options[name] = value;
    }
    const trusted = builtinFormats.filter(isInputPlugin);
    return {
      registry: this.registry,
      inputs: commandLineInputs(positionals, this.io.stdin, (label, size) =>
        this.readProgress(label, size, flags.quiet === true),
      ),
      options,
      ...(typeof flags.from === 'string' ? { from: flags.from } : {}),
      ...(typeof flags.thread === 'string' ? { thread: flags.thread } : {}),
      sources: sourceFiles(Array.isArray(flags.sources) ? flags.sources : [], this.io.cwd ?? '.'),
      // Third-party readers are checked on every read; the bundled ones only on request.
      validate: this.io.env.PYPROF_VALIDATE !== undefined ? 'all' : { except: trusted },
      diagnostics: this.diagnostics,
    };
  }

  summary(profile: Profile): string {
    // Sampled stacks and line-level profiles count no calls: say so rather than print NaN.
    const count = totalCalls(profile);
    const calls = profile.metadata.sampled
      ? 'sampled stacks'
      : Number.isNaN(count)
        ? 'calls not recorded'
        : `${withCommas(count)} calls`;
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
    const writer = flags.to;
    const done = await this.produce(
      positionals,
      flags,
      writer,
      (names, plugin) => this.outputTarget(flags, plugin, names),
      'written',
    );
    if (!done) return EXIT.strictWarnings;
    if (!flags.quiet) {
      const where = done.target.kind === 'stdout' ? 'stdout' : done.target.path;
      this.err(`pyprof: wrote ${done.writer.name} to ${where} (${this.summary(done.set.whole)})\n`);
    }
    return EXIT.ok;
  }

  /**
   * The steps `convert` and `view` share: run the conversion (core's `convert`: read,
   * merge, select the thread, stop under --strict when there were warnings), then write its
   * chunks to the target. Returns undefined when --strict stopped it.
   */
  async produce<Target extends OutputTarget>(
    positionals: string[],
    flags: Flags,
    to: string,
    targetFor: (names: readonly string[], writer: OutputPlugin) => Target,
    outcome: 'written' | 'opened',
  ): Promise<{ set: ProfileSet; writer: OutputPlugin; target: Target } | undefined> {
    const strict = flags.strict === true;
    let conversion: Awaited<ReturnType<typeof convert>>;
    try {
      conversion = await convert({
        ...this.loadOptions(positionals, flags),
        to,
        producer: PRODUCER,
        strict,
      });
    } catch (error) {
      if (!isProfileError(error) || error.code !== 'STRICT_WARNINGS') throw error;
      this.printDiagnostics();
      const count = this.diagnostics.warningCount;
      this.err(
        `pyprof: ${count} warning${count === 1 ? '' : 's'}; nothing ${outcome} because of --strict\n`,
      );
      return undefined;
    }
    this.printDiagnostics();
    const names = conversion.names.map((name) => name ?? 'stdin');
    const target = targetFor(names, conversion.writer);
    const before = this.diagnostics.warningCount;
    const streamed = streamsTo(target);
    try {
      await writeOutput(conversion.chunks, target, this.io.stdout, positionals);
    } catch (error) {
      if (!isProfileError(error) || error.code !== 'STRICT_WARNINGS') throw error;
      this.printDiagnostics();
      const count = this.diagnostics.warningCount - before;
      const warnings = `${count} warning${count === 1 ? '' : 's'} while writing`;
      this.err(
        streamed
          ? `pyprof: ${warnings}; output to ${target.kind === 'file' ? target.path : 'stdout'} stopped because of --strict (what was written before stays)\n`
          : `pyprof: ${warnings}; ${(target as { path: string }).path} not ${outcome} because of --strict\n`,
      );
      return undefined;
    }
    this.printDiagnostics();
    return { set: conversion.set, writer: conversion.writer, target };
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
    // Fail before reading when the viewer cannot be started.
    const executable =
      viewer === 'speedscope' ? undefined : callgrindViewer(viewer, this.io.env.PATH);
    const done = await this.produce(
      positionals,
      flags,
      viewer === 'speedscope' ? 'speedscope' : 'callgrind',
      (names, writer) => {
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
    const { set, readers } = await loadProfiles(this.loadOptions(positionals, flags));
    this.printDiagnostics();
    const whole = set.whole;
    const m = whole.metadata;
    const reader = readers[0] as InputPlugin;
    const warnings = this.diagnostics.count();
    const lines = [
      `file: ${positionals[0]}`,
      `format: ${reader.name} (${reader.title})`,
      `producer: ${m.producer ?? 'unknown'}`,
      `python: ${m.pythonVersion ?? 'unknown'}`,
      ...(m.command ? [`command: ${m.command}`] : []),
      ...(m.timeUnit ? [`time: ${m.timeUnit}`] : []),
      `threads: ${set.parts.length}${set.parts.length > 1 ? ` (${set.parts.map((p) => p.metadata.threadId ?? p.metadata.label ?? '?').join(', ')})` : ''}`,
      `functions: ${whole.functions.length}`,
      `calls: ${whole.metadata.sampled ? 'not recorded (sampled stacks)' : Number.isNaN(totalCalls(whole)) ? 'not recorded' : totalCalls(whole)}`,
      `total time: ${formatTotal(whole)}`,
      `warnings: ${warnings === 0 ? 'none' : warnings}`,
      ...this.diagnostics.list.map(
        (w) =>
          `  ${w.code}: ${w.message}${w.count > 1 ? ` (and ${w.count - 1} more like it)` : ''}`,
      ),
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
    if (argv[0] === 'web') return await (await import('./web.js')).web(argv.slice(1), io);
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
    // What was reported before the failure still matters (it may explain it).
    cli.printDiagnostics();
    label = (error as { input?: string }).input;
    const code = exitCodeFor(error);
    io.stderr.write(`${label === undefined ? 'pyprof: ' : ''}${formatError(error, label)}\n`);
    return code;
  }
}
