/**
 * The `pyprof` command: a thin layer that composes plugins. It parses arguments (flags
 * for plugin options come from the plugins' declared option specs), opens inputs, picks
 * readers through the registry, passes the writer's needs to the readers, merges several
 * inputs, and writes the output where it was asked. Everything else lives in the
 * packages. `main` takes its streams as arguments so tests run it in-process.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ConvertInput,
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
  parseByteSize,
  type Registry,
  totalCalls,
  totalSelfTime,
} from '@pyprof/core';
import { forget, keepTrackOf } from './cleanup.js';
import { diffCommand } from './diff.js';
import { EXIT, exitCodeFor, formatError } from './exit-codes.js';
import { FILTER_HELP, FILTER_OPTIONS, filterTransforms } from './filters.js';
import { builtinFormats } from './formats.js';
import { commandLineInputs, type ReadProgress } from './input.js';
import { parseErrorLine, printable } from './messages.js';
import { type OutputTarget, streamsTo, writeOutput } from './output.js';
import { outputBaseName } from './output-name.js';
import { checkPluginSpec, scanOptions } from './plugins.js';
import { PROGRESS_THRESHOLD, Progress } from './progress.js';
import { parsePythonCommand, runName, runPython } from './run.js';
import { sourceFiles } from './sources.js';
import {
  callgrindViewer,
  goExecutable,
  openInCallgrindViewer,
  openInSpeedscope,
  serveWithGoPprof,
  speedscopeOpener,
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
  view: { type: 'boolean' },
  strict: { type: 'boolean' },
  'max-input': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  ...FILTER_OPTIONS,
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
  'max-input':
    'the most bytes one input may hold after unpacking, and the most memory a reader may build from it, e.g. 2GiB or unlimited (default 128MiB; over it: exit 9)',
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

/** What `produce` made: the profiles, the writer and where the output went. */
interface Produced<Target extends OutputTarget> {
  set: ProfileSet;
  writer: OutputPlugin;
  target: Target;
}

/** The format's usual file name for `base` (`<base><extension>` when it has none). */
function usualName(writer: OutputPlugin, base: string, existing: readonly string[]): string {
  return writer.defaultOutputName
    ? writer.defaultOutputName(base, existing)
    : `${base}${writer.extension}`;
}

/** `run.prof` → `run-2.prof`: the counter goes before the extension. */
function numbered(base: string, k: number): string {
  const dot = base.indexOf('.', 1);
  return dot > 0 ? `${base.slice(0, dot)}-${k}${base.slice(dot)}` : `${base}-${k}`;
}

/**
 * A default output name in `folder` that replaces nothing: the format's usual name for
 * the input, else that of `<input>-2`, `<input>-3`, … (a file is only ever replaced when
 * `-o` names it).
 */
function freshName(writer: OutputPlugin, base: string, folder: string): string {
  let existing: string[] = [];
  try {
    existing = readdirSync(folder);
  } catch {
    // A folder that cannot be listed: the write will say why.
  }
  const taken = new Set(existing);
  let name = usualName(writer, base, existing);
  for (let k = 2; taken.has(name); k++) name = usualName(writer, numbered(base, k), existing);
  return name;
}

/** A view's file name (no folders: the name of stdin or a merge is made safe). */
function viewFileName(writer: OutputPlugin, base: string): string {
  return usualName(writer, base.replace(/[\\/]/g, '_'), []);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A signal's number (for the shell's `128 + n` status), where the system knows it. */
function signalNumber(signal: NodeJS.Signals): number | undefined {
  return (constants.signals as Record<string, number | undefined>)[signal];
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
      checkPluginSpec(spec);
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

  /** Whether each option (global and of the plugins loaded) takes a value. */
  optionKinds(): Map<string, 'string' | 'boolean'> {
    const kinds = new Map<string, 'string' | 'boolean'>();
    const all = { ...this.pluginOptionConfig(), ...GLOBAL_OPTIONS };
    for (const [name, spec] of Object.entries(all)) kinds.set(name, spec.type);
    return kinds;
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
      const message = error instanceof Error ? parseErrorLine(error.message) : String(error);
      throw usage(`${message} (see pyprof --help)`);
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
      const label = printable(d.input ?? 'pyprof');
      const more = d.count - Math.max(shown, 1);
      this.err(
        shown === 0
          ? `${label}: ${d.severity}: ${printable(d.message)} [${d.source}/${d.code}]${more > 0 ? ` (and ${withCommas(more)} more like it)` : ''}\n`
          : `${label}: ${d.severity}: and ${withCommas(d.count - shown)} more like [${d.source}/${d.code}]\n`,
      );
      this.printed.set(d, d.count);
    }
  }

  /** The command line's inputs (`-` is standard input). */
  inputsOf(positionals: readonly string[], flags: Flags): ConvertInput[] {
    return commandLineInputs(positionals, this.io.stdin, (label, size) =>
      this.readProgress(label, size, flags.quiet === true),
    );
  }

  /** What `convert` needs from the command line, for `convert`, `view`, `info` and `run`. */
  loadOptions(inputs: readonly ConvertInput[], flags: Flags): LoadOptions {
    const options: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(flags)) {
      if (!(name in GLOBAL_OPTIONS) && value !== undefined) options[name] = value;
    }
    const trusted = builtinFormats.filter(isInputPlugin);
    let inputBytes: number | undefined;
    if (typeof flags['max-input'] === 'string') {
      inputBytes = parseByteSize(flags['max-input']);
      if (inputBytes === undefined)
        throw usage(
          `--max-input must be a size such as 512MiB, 2GiB, 1000000 or unlimited, got ${JSON.stringify(flags['max-input'])}`,
        );
    }
    return {
      registry: this.registry,
      inputs,
      options,
      ...(typeof flags.from === 'string' ? { from: flags.from } : {}),
      ...(typeof flags.thread === 'string' ? { thread: flags.thread } : {}),
      sources: sourceFiles(Array.isArray(flags.sources) ? flags.sources : [], this.io.cwd ?? '.'),
      // Third-party readers are checked on every read; the bundled ones only on request.
      validate: this.io.env.PYPROF_VALIDATE !== undefined ? 'all' : { except: trusted },
      diagnostics: this.diagnostics,
      ...(inputBytes !== undefined ? { limits: { inputBytes, memoryBytes: inputBytes } } : {}),
      transforms: filterTransforms(flags),
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

  /** Refuses the options that belong to another command. */
  only(command: string, flags: Flags, allowed: readonly string[]): void {
    for (const name of ['view', 'with', 'to', 'output'] as const) {
      if (flags[name] !== undefined && !allowed.includes(name))
        throw usage(`${command} takes no --${name} (see pyprof ${command} --help)`);
    }
  }

  async convert(positionals: string[], flags: Flags): Promise<number> {
    if (flags.help) {
      this.out(this.convertHelp());
      return EXIT.ok;
    }
    this.only('convert', flags, ['to', 'output']);
    if (positionals.length === 0)
      throw usage(
        'convert needs at least one input file (or - for stdin); see pyprof convert --help',
      );
    if (typeof flags.to !== 'string')
      throw usage(
        `convert needs --to <format> (one of: ${this.registry.writers.map((w) => w.name).join(', ')})`,
      );
    const done = await this.produce(this.inputsOf(positionals, flags), positionals, flags, {
      to: flags.to,
      targetFor: (names, plugin) => this.outputTarget(flags, plugin, names),
      outcome: 'written',
    });
    if (!done) return EXIT.strictWarnings;
    this.wrote(done, flags);
    return EXIT.ok;
  }

  /** The summary line of a written output. */
  wrote(done: Produced<OutputTarget>, flags: Flags): void {
    if (flags.quiet) return;
    const where = done.target.kind === 'stdout' ? 'stdout' : done.target.path;
    this.err(`pyprof: wrote ${done.writer.name} to ${where} (${this.summary(done.set.whole)})\n`);
  }

  /**
   * Whether the output will go to a terminal (stdout when it is one), so the text table
   * fits its width; known before converting, from `-o` and the writer's default name.
   */
  terminalFor(to: string, flags: Flags): { width: number; color: boolean } | undefined {
    const stdout = this.io.stdoutTerminal;
    if (!stdout) return undefined;
    const writer = this.registry.writer(to);
    const toStdout =
      flags.output === '-' || (flags.output === undefined && !writer?.defaultOutputName);
    return toStdout ? { width: stdout.columns, color: !this.io.env.NO_COLOR } : undefined;
  }

  /**
   * The steps `convert`, `view` and `run` share: run the conversion (core's `convert`:
   * read, merge, select the thread, stop under --strict when there were warnings), then
   * write its chunks to the target. Returns undefined when --strict stopped it.
   * `inputPaths` are the files the output must never replace.
   */
  async produce<Target extends OutputTarget>(
    inputs: readonly ConvertInput[],
    inputPaths: readonly string[],
    flags: Flags,
    how: {
      to: string;
      targetFor: (names: readonly string[], writer: OutputPlugin) => Target;
      outcome: 'written' | 'opened';
      terminal?: { width: number; color: boolean } | undefined;
    },
  ): Promise<Produced<Target> | undefined> {
    const strict = flags.strict === true;
    const terminal = 'terminal' in how ? how.terminal : this.terminalFor(how.to, flags);
    let conversion: Awaited<ReturnType<typeof convert>>;
    try {
      conversion = await convert({
        ...this.loadOptions(inputs, flags),
        to: how.to,
        producer: PRODUCER,
        strict,
        ...(terminal ? { terminal } : {}),
      });
    } catch (error) {
      if (!isProfileError(error) || error.code !== 'STRICT_WARNINGS') throw error;
      this.printDiagnostics();
      const count = this.diagnostics.warningCount;
      this.err(
        `pyprof: ${count} warning${count === 1 ? '' : 's'}; nothing ${how.outcome} because of --strict\n`,
      );
      return undefined;
    }
    this.printDiagnostics();
    const names = conversion.names.map((name) => name ?? 'stdin');
    const target = how.targetFor(names, conversion.writer);
    const before = this.diagnostics.warningCount;
    const streamed = streamsTo(target);
    try {
      const stream = this.outputStream(target);
      const onTerminal =
        stream === this.io.stderr ? this.io.stderrTerminal : this.io.stdoutTerminal;
      await writeOutput(conversion.chunks, target, stream, inputPaths, {
        stdin: this.io.stdin,
        ...(onTerminal ? { terminal: { color: terminal?.color ?? false } } : {}),
      });
    } catch (error) {
      if (!isProfileError(error) || error.code !== 'STRICT_WARNINGS') throw error;
      this.printDiagnostics();
      const count = this.diagnostics.warningCount - before;
      const warnings = `${count} warning${count === 1 ? '' : 's'} while writing`;
      this.err(
        streamed
          ? `pyprof: ${warnings}; output to ${target.kind === 'file' ? target.path : 'stdout'} stopped because of --strict (what was written before stays)\n`
          : `pyprof: ${warnings}; ${(target as { path: string }).path} not ${how.outcome} because of --strict\n`,
      );
      return undefined;
    }
    this.printDiagnostics();
    return { set: conversion.set, writer: conversion.writer, target };
  }

  /** Where `{ kind: 'stdout' }` output goes: stdout (`run` sends its report to stderr). */
  outputStream(_target: OutputTarget): Writable {
    return this.reportToStderr ? this.io.stderr : this.io.stdout;
  }

  /** Set by `run` when its report goes to stderr, next to the program's own output. */
  reportToStderr = false;

  /**
   * Where a conversion's output goes: `-o -` is stdout; `-o FILE`, or `-o FOLDER` with the
   * format's usual name inside; else the format's usual name in the working folder —
   * never an existing file's (see `freshName`) — or stdout for formats without one.
   */
  outputTarget(flags: Flags, writer: OutputPlugin, names: readonly string[]): OutputTarget {
    if (flags.output === '-') return { kind: 'stdout' };
    const base = outputBaseName(names);
    const cwd = this.io.cwd;
    if (typeof flags.output === 'string') {
      const path = cwd === undefined ? flags.output : resolve(cwd, flags.output);
      if (!isFolder(path)) return { kind: 'file', path };
      return { kind: 'file', path: join(path, freshName(writer, base, path)) };
    }
    if (!writer.defaultOutputName) return { kind: 'stdout' };
    const name = freshName(writer, base, cwd ?? '.');
    return { kind: 'file', path: cwd === undefined ? name : join(cwd, name) };
  }

  viewHelp(): string {
    return `Usage: pyprof view <inputs…> [--with ${VIEWERS.join('|')}] [convert options]

Converts to a temporary file and opens it: in KCachegrind (or QCachegrind) by default, in
the speedscope app bundled with pyprof (opened from disk in your browser, no network), or
with --with pprof in go tool pprof's web UI (needs Go; it serves until you press Ctrl-C).
pyprof waits a second to see that the viewer started: a missing viewer, no display, or a
viewer that stops at once with an error is an error (exit 5). The temporary files are
removed when the viewer exits; a viewer that hands the file on at once (a browser opener)
keeps them, and the next pyprof view removes such files after a day.

Examples:
  pyprof view run.prof
  pyprof view run.prof --with speedscope
  pyprof view run.prof --with pprof
`;
  }

  async view(positionals: string[], flags: Flags): Promise<number> {
    if (flags.help) {
      this.out(this.viewHelp());
      return EXIT.ok;
    }
    this.only('view', flags, ['with']);
    if (positionals.length === 0)
      throw usage('view needs at least one input file (or - for stdin)');
    const viewer = this.viewerOf(flags);
    const done = await this.openView(
      this.inputsOf(positionals, flags),
      positionals,
      flags,
      viewer,
      (folder, names, writer) => join(folder, viewFileName(writer, outputBaseName(names))),
    );
    return done;
  }

  /** The `--with` viewer, checked (and, for the callgrind viewers, found) before reading. */
  viewerOf(flags: Flags): { viewer: Viewer | undefined; opener: string[] } {
    const asked = flags.with;
    if (asked !== undefined && !VIEWERS.includes(asked as Viewer)) {
      throw usage(`--with must be one of ${VIEWERS.join(', ')}, got ${JSON.stringify(asked)}`);
    }
    const viewer = asked as Viewer | undefined;
    // Fail before reading when the viewer cannot be started.
    return {
      viewer,
      opener:
        viewer === 'speedscope'
          ? speedscopeOpener(this.io.env)
          : viewer === 'pprof'
            ? [goExecutable(this.io.env)]
            : [callgrindViewer(viewer, this.io.env)],
    };
  }

  /** Converts into a fresh view folder and opens the result; the folder goes on failure. */
  async openView(
    inputs: readonly ConvertInput[],
    inputPaths: readonly string[],
    flags: Flags,
    { viewer, opener }: { viewer: Viewer | undefined; opener: string[] },
    fileFor: (folder: string, names: readonly string[], writer: OutputPlugin) => string,
  ): Promise<number> {
    const folder = viewFolder();
    try {
      const done = await this.produce(inputs, inputPaths, flags, {
        to: viewer === 'speedscope' || viewer === 'pprof' ? viewer : 'callgrind',
        targetFor: (names, writer) => ({
          kind: 'file' as const,
          path: fileFor(folder, names, writer),
        }),
        outcome: 'opened',
        terminal: undefined,
      });
      if (!done) {
        rmSync(folder, { recursive: true, force: true });
        return EXIT.strictWarnings;
      }
      const file = done.target.path;
      const summary = `(${this.summary(done.set.whole)})`;
      if (viewer === 'speedscope') {
        await openInSpeedscope(file, readFileSync(file), opener, this.io.env);
        if (!flags.quiet) this.err(`pyprof: opened ${file} in speedscope ${summary}\n`);
      } else if (viewer === 'pprof') {
        if (!flags.quiet)
          this.err(
            `pyprof: opened ${file} in go tool pprof ${summary}; it serves until you press Ctrl-C\n`,
          );
        // In the foreground: the folder goes when it stops, on Ctrl-C too.
        keepTrackOf(folder);
        try {
          await serveWithGoPprof(opener[0] as string, file, this.io.stderr);
        } finally {
          forget(folder);
          rmSync(folder, { recursive: true, force: true });
        }
      } else {
        const executable = opener[0] as string;
        await openInCallgrindViewer(executable, file, this.io.env);
        if (!flags.quiet)
          this.err(`pyprof: opened ${file} in ${basename(executable)} ${summary}\n`);
      }
      return EXIT.ok;
    } catch (error) {
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }

  infoHelp(): string {
    return `Usage: pyprof info <inputs…> [--from FORMAT] [--thread ID]

Prints what pyprof finds in each profile — format, producer, Python version, threads,
functions, calls, total time, warnings — and, for several inputs, in their merge.
`;
  }

  /** The lines of one block of `info`. */
  infoLines(set: ProfileSet, warnings: readonly Diagnostic[], merged = false): string[] {
    const whole = set.whole;
    const threads = set.parts.map((p) => p.metadata.threadId ?? p.metadata.label ?? '?');
    return [
      merged
        ? `parts: ${set.parts.length} (threads of the inputs, added up below)`
        : `threads: ${set.parts.length}${set.parts.length > 1 ? ` (${threads.join(', ')})` : ''}`,
      `functions: ${whole.functions.length}`,
      `calls: ${whole.metadata.sampled ? 'not recorded (sampled stacks)' : Number.isNaN(totalCalls(whole)) ? 'not recorded' : totalCalls(whole)}`,
      `total time: ${formatTotal(whole)}`,
      `warnings: ${warnings.length === 0 ? 'none' : warnings.reduce((sum, w) => sum + w.count, 0)}`,
      ...warnings.map(
        (w) =>
          `  ${w.code}: ${w.message}${w.count > 1 ? ` (and ${w.count - 1} more like it)` : ''}`,
      ),
    ];
  }

  async info(positionals: string[], flags: Flags): Promise<number> {
    if (flags.help) {
      this.out(this.infoHelp());
      return EXIT.ok;
    }
    this.only('info', flags, []);
    if (positionals.length === 0)
      throw usage('info needs at least one input file (or - for stdin)');
    const inputs = this.inputsOf(positionals, flags);
    const loaded = await loadProfiles(this.loadOptions(inputs, flags));
    this.printDiagnostics();
    const blocks: string[] = [];
    loaded.inputSets.forEach((set, k) => {
      const label = inputs[k]?.label ?? positionals[k] ?? '';
      const reader = loaded.readers[k] as InputPlugin;
      const m = set.whole.metadata;
      const mine = this.diagnostics.list.filter((d) => d.input === label && d.stage !== 'merge');
      const only = positionals.length === 1;
      blocks.push(
        [
          `file: ${label}`,
          `format: ${reader.name} (${reader.title})`,
          `producer: ${m.producer ?? 'unknown'}`,
          `python: ${m.pythonVersion ?? 'unknown'}`,
          ...(m.command ? [`command: ${m.command}`] : []),
          ...(m.timeUnit ? [`time: ${m.timeUnit}`] : []),
          // One input: its block is the result (thread selection included).
          ...this.infoLines(only ? loaded.set : set, only ? this.diagnostics.list : mine),
        ].join('\n'),
      );
    });
    if (positionals.length > 1) {
      const labels = inputs.map((input, k) => input.label ?? positionals[k]);
      const merge = this.diagnostics.list.filter(
        (d) => d.stage === 'merge' || d.input === undefined,
      );
      blocks.push(
        [
          `merged: ${labels.join(' + ')}${flags.thread !== undefined ? ` (thread ${flags.thread})` : ''}`,
          ...this.infoLines(loaded.set, merge, true),
        ].join('\n'),
      );
    }
    this.out(`${blocks.join('\n\n')}\n`);
    return EXIT.ok;
  }

  runHelp(): string {
    return `Usage: pyprof run [--to FORMAT] [-o FILE|-] [--view [--with VIEWER]] [options] -- <python command>

Runs a Python program under cProfile, then converts the profile and shows it: by default
a table on stderr (the program's own output stays on stdout), with --to the format's file
(or -o), with --view in KCachegrind or (--with speedscope) speedscope. The command after
-- is what you would type to run the program: any Python 2.7–3.x, its options, then a
script, -m module or -c code, then the program's arguments. The program's stdin, stdout,
stderr and exit status pass through unchanged (pyprof exits with the program's status when
that is not 0); the profile is written to a temporary file and removed afterwards.

Examples:
  pyprof run -- python3 app.py --verbose
  pyprof run --to callgrind -- python3 -m mypackage
  pyprof run --view -- python3 app.py < input.txt
  pyprof run --to text --sort tottime --limit 20 -- python3 app.py

Options: those of pyprof convert (see pyprof convert --help), and
  --view
      open the profile in a viewer (as pyprof view does) instead of writing it
  --with <${VIEWERS.join('|')}>
      the viewer for --view
`;
  }

  async run(positionals: string[], flags: Flags, args: readonly string[]): Promise<number> {
    if (flags.help) {
      this.out(this.runHelp());
      return EXIT.ok;
    }
    const separator = args.indexOf('--');
    if (separator < 0)
      throw usage(
        'run needs -- before the Python command, e.g. pyprof run --to callgrind -- python3 app.py',
      );
    const after = args.length - separator - 1;
    if (positionals.length > after)
      throw usage(
        `run takes its options before -- and the Python command after it; got ${JSON.stringify(positionals[0])} before --`,
      );
    if (flags.with !== undefined && !flags.view) throw usage('--with goes with --view');
    if (flags.view && (flags.to !== undefined || flags.output !== undefined))
      throw usage('--view opens the profile; it takes no --to or -o');
    const command = parsePythonCommand(positionals);
    const name = runName(command);
    // Fail before running the program when the result cannot be written or shown.
    const viewer = flags.view ? this.viewerOf(flags) : undefined;
    const to = typeof flags.to === 'string' ? flags.to : 'text';
    if (!viewer) this.registry.resolveOutput(to);
    const ran = await runPython(command, this.io);
    try {
      const status =
        ran.signal !== undefined ? 128 + (signalNumber(ran.signal) ?? 0) : (ran.status ?? 1);
      if (!existsSync(ran.dump)) {
        const how =
          ran.signal !== undefined ? `was killed by ${ran.signal}` : `exited with status ${status}`;
        this.err(
          `pyprof: ${basename(command.interpreter)} ${how} before the profile was written; nothing to show\n`,
        );
        return status === 0 ? EXIT.io : status;
      }
      try {
        const result = await this.showRun(ran.dump, name, flags, to, viewer);
        return status !== 0 ? status : result;
      } catch (error) {
        // The program's failure is the news; the conversion's is reported alongside.
        if (status === 0) throw error;
        this.printDiagnostics();
        this.err(`pyprof: ${formatError(error)}\n`);
        return status;
      }
    } finally {
      rmSync(ran.folder, { recursive: true, force: true });
    }
  }

  /** Converts a run's dump and writes or opens the result, as `run`'s flags ask. */
  async showRun(
    dump: string,
    name: string,
    flags: Flags,
    to: string,
    viewer: { viewer: Viewer | undefined; opener: string[] } | undefined,
  ): Promise<number> {
    const [input] = commandLineInputs([dump], this.io.stdin, () => undefined);
    const inputs = [{ ...(input as ConvertInput), name, label: name }];
    const runFlags = { ...flags, from: 'cprofile' };
    if (viewer) {
      return await this.openView(inputs, [dump], runFlags, viewer, (folder, _, writer) =>
        join(folder, viewFileName(writer, name)),
      );
    }
    const writer = this.registry.resolveOutput(to);
    // A report that would go to stdout goes to stderr, after the program's own output,
    // unless -o - asks for stdout.
    this.reportToStderr = flags.output === undefined && !writer.defaultOutputName;
    const stderr = this.io.stderrTerminal;
    const done = await this.produce(inputs, [dump], runFlags, {
      to,
      targetFor: (_, plugin) => this.outputTarget(flags, plugin, [name]),
      outcome: 'written',
      terminal: this.reportToStderr
        ? stderr && { width: stderr.columns, color: !this.io.env.NO_COLOR }
        : this.terminalFor(to, flags),
    });
    if (done && !(this.reportToStderr && done.target.kind === 'stdout')) this.wrote(done, flags);
    return done ? EXIT.ok : EXIT.strictWarnings;
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
  --max-input <size>
      ${GLOBAL_HELP['max-input']}
  -q, --quiet
      ${GLOBAL_HELP.quiet}
${FILTER_HELP}`;
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
lsprof, yappi, line_profiler, collapsed stacks) to callgrind, speedscope, pprof, collapsed
stacks, Chrome traces, pstats and text, from any Python version, without Python.

Usage:
  pyprof convert <inputs…> --to <format> [-o FILE|-] [options]
  pyprof run [--to FORMAT] [-o FILE] [--view] -- <python command…>
  pyprof view <inputs…> [--with kcachegrind|qcachegrind|speedscope|pprof]
  pyprof info <inputs…>
  pyprof diff BASE NEW [--to text|callgrind|speedscope|pprof|collapsed] [--normalize]
  pyprof formats
  pyprof --version

Examples:
  pyprof convert run.prof --to callgrind         writes callgrind.out.run.prof
  pyprof convert run.prof --to text --sort cumulative --limit 20
  pyprof convert a.prof b.prof --to speedscope   merged: a.prof+b.prof.speedscope.json
  pyprof convert - --to text < run.prof          reads standard input
  pyprof run -- python3 app.py                   profiles app.py; a table on stderr
  pyprof run --to callgrind -- python3 -m mypackage
  python3 -m cProfile -o app.prof app.py && pyprof view app.prof

Run \`pyprof <command> --help\` for a command's options, \`pyprof formats\` for the formats.
Exit status: 0 ok, 1 internal error, 2 usage, 3 unknown or ambiguous format,
4 malformed input, 5 unsupported version or feature (or no viewer), 6 warnings under
--strict, 7 unsafe input (e.g. a pickle naming a forbidden global), 8 I/O error,
9 over a budget (e.g. an input larger than --max-input);
pyprof run exits with the program's status when that is not 0.
`;
  }
}

const COMMANDS = new Set(['convert', 'info', 'view', 'run', 'formats', 'help']);

/** Short options and their long names, for the `--plugin` scan. */
const SHORT_OPTIONS: ReadonlyMap<string, string> = new Map(
  Object.entries(GLOBAL_OPTIONS).flatMap(([name, spec]) =>
    'short' in spec ? [[spec.short, name] as const] : [],
  ),
);

/** Runs the command line; returns the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === 'diff') return diffCommand(argv.slice(1), io);
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
    // `--plugin` as the parser will read it (plugins.ts): one at a time, since each plugin
    // loaded may declare options that take the next word as their value.
    for (let loaded = 0; ; loaded++) {
      const line = scanOptions(args, cli.optionKinds(), SHORT_OPTIONS);
      if (line.version) break;
      const spec = line.plugins[loaded];
      if (spec === undefined) break;
      await cli.loadPlugins([spec]);
    }
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
      case 'run':
        return await cli.run(positionals, flags, args);
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
