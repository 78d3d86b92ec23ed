/**
 * The one channel for non-fatal problems. Every stage of a conversion — readers, merge,
 * transforms, writers — reports into one `Diagnostics` list; a program prints from it and
 * judges it (the CLI's `--strict`), whichever stage spoke. Plugins and transforms see only
 * a `DiagnosticSink` (`warn`), bound to their name, the stage and the input at hand, so a
 * diagnostic always says where it came from.
 *
 * Repeats are counted, not listed again: a report with the same stage, source, input,
 * code and message as an earlier one raises that entry's `count` (a reader that meets one
 * oddity a million times makes one entry). Distinct entries are capped (`limit`, default
 * 1000): beyond it, reports are counted in one closing `pyprof/too-many-diagnostics`
 * entry, which is a warning as soon as one of the reports it stands for is — so a file
 * cannot make the list grow without bound, and `--strict` still sees every warning.
 */
import type { Place } from './errors.js';

/** Which step of a conversion raised a diagnostic. */
export type DiagnosticStage = 'read' | 'merge' | 'transform' | 'write';

/** A non-fatal problem, as the list keeps it. */
export interface Diagnostic {
  /** `warning`: the output may mislead (what `--strict` refuses); `info`: worth knowing. */
  severity: 'warning' | 'info';
  /** Stable, kebab-case code listed in the source's README, e.g. `yappi-counts`. */
  code: string;
  message: string;
  /** Who raised it: a plugin's or transform's name, or `merge`. */
  source: string;
  stage: DiagnosticStage;
  /** The input it concerns (its label), when it concerns one. */
  input?: string;
  /** Where in that input (of the first report, when repeats differ in place). */
  place?: Place;
  /** How many times it was reported (1, or more for identical repeats). */
  count: number;
}

/** What a plugin or transform reports: the rest is filled in by the channel. */
export interface DiagnosticReport {
  code: string;
  message: string;
  /** Default: `warning`. */
  severity?: Diagnostic['severity'];
  place?: Place;
}

/** What plugins and transforms receive to report problems; never logs by itself. */
export interface DiagnosticSink {
  warn(diagnostic: DiagnosticReport): void;
}

export interface DiagnosticsOptions {
  /** Most distinct entries kept (default 1000); see the file comment. */
  limit?: number;
  /** Called on every report, with the entry it made or counted. */
  onReport?: (diagnostic: Diagnostic) => void;
}

const DEFAULT_LIMIT = 1000;

/** The list every stage reports into (see the file comment). */
export class Diagnostics {
  readonly #entries: Diagnostic[] = [];
  readonly #byKey = new Map<string, Diagnostic>();
  readonly #limit: number;
  readonly #onReport: ((diagnostic: Diagnostic) => void) | undefined;
  #overflow: Diagnostic | undefined;
  #warnings = 0;

  constructor(options: DiagnosticsOptions = {}) {
    this.#limit = options.limit ?? DEFAULT_LIMIT;
    this.#onReport = options.onReport;
  }

  /** Every entry, in the order first reported. */
  get list(): readonly Diagnostic[] {
    return this.#entries;
  }

  /** Reports of severity `warning`, repeats and uncounted ones included. */
  get warningCount(): number {
    return this.#warnings;
  }

  /**
   * Reports of `severity` (default: any), repeats included, from `stages` (default: all).
   * The closing `too-many-diagnostics` entry counts under its own severity.
   */
  count(severity?: Diagnostic['severity'], stages?: readonly DiagnosticStage[]): number {
    let total = 0;
    for (const d of this.#entries) {
      if (severity !== undefined && d.severity !== severity) continue;
      if (stages !== undefined && !stages.includes(d.stage)) continue;
      total += d.count;
    }
    return total;
  }

  /** Adds one report (or counts it as a repeat); returns the entry. */
  report(
    report: DiagnosticReport & {
      source: string;
      stage: DiagnosticStage;
      input?: string | undefined;
    },
  ): Diagnostic {
    const severity = report.severity ?? 'warning';
    if (severity === 'warning') this.#warnings++;
    const key = `${report.stage}\u0000${report.source}\u0000${report.input ?? ''}\u0000${severity}\u0000${report.code}\u0000${report.message}`;
    let entry = this.#byKey.get(key);
    if (entry !== undefined) {
      entry.count++;
    } else if (this.#entries.length - (this.#overflow ? 1 : 0) < this.#limit) {
      entry = {
        severity,
        code: report.code,
        message: report.message,
        source: report.source,
        stage: report.stage,
        ...(report.input !== undefined ? { input: report.input } : {}),
        ...(report.place !== undefined ? { place: report.place } : {}),
        count: 1,
      };
      this.#byKey.set(key, entry);
      if (this.#overflow) this.#entries.splice(this.#entries.length - 1, 0, entry);
      else this.#entries.push(entry);
    } else {
      entry = this.#overflow;
      if (entry === undefined) {
        entry = {
          severity,
          code: 'too-many-diagnostics',
          message: `more than ${this.#limit} distinct diagnostics; the rest are only counted here`,
          source: 'pyprof',
          stage: report.stage,
          count: 0,
        };
        this.#overflow = entry;
        this.#entries.push(entry);
      }
      if (severity === 'warning') entry.severity = 'warning';
      entry.count++;
    }
    this.#onReport?.(entry);
    return entry;
  }

  /** A sink for one source: what it reports is stamped with its name, stage and input. */
  sink(source: string, stage: DiagnosticStage, input?: string): DiagnosticSink {
    return {
      warn: (d) => {
        this.report({
          source,
          stage,
          input,
          code: d.code,
          message: d.message,
          ...(d.severity !== undefined ? { severity: d.severity } : {}),
          ...(d.place !== undefined ? { place: d.place } : {}),
        });
      },
    };
  }
}
