/**
 * The messages between the page and its conversion worker. The page sends one request
 * per conversion (the files as Blobs, which cross to the worker as handles without copying
 * their bytes on the page's thread; the format; the options as the CLI would pass them);
 * the worker answers with progress, then the output or the CLI's one-line error.
 */

/** One input file: its name (as the CLI's base name) and its contents (a File or Blob). */
export interface InputFile {
  readonly name: string;
  readonly blob: Blob;
}

export interface ConvertRequest {
  readonly kind: 'convert';
  readonly id: number;
  readonly files: readonly InputFile[];
  /** The writer's name (`callgrind`, `speedscope`, `text`, …). */
  readonly to: string;
  /** Option values by option name, as `pyprof convert --name value` gives them. */
  readonly options: Readonly<Record<string, string | boolean | string[]>>;
  readonly from?: string;
  readonly thread?: string;
  readonly strict?: boolean;
}

/** What `pyprof info` prints about the inputs, as label/value pairs. */
export type Summary = ReadonlyArray<readonly [string, string]>;

export type WorkerReply =
  | {
      readonly kind: 'progress';
      readonly id: number;
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly kind: 'done';
      readonly id: number;
      /** The output file, as the CLI would write it (made in the worker: no copy on the page). */
      readonly blob: Blob;
      /** The file name the CLI would choose (`callgrind.out.<input>`, `<input>.speedscope.json`). */
      readonly fileName: string;
      readonly summary: Summary;
      /** The CLI's diagnostic lines (stderr), one per diagnostic. */
      readonly diagnostics: readonly string[];
    }
  | { readonly kind: 'error'; readonly id: number; readonly message: string }
  | { readonly kind: 'formats'; readonly formats: Formats };

/** The formats the worker bundles, sent once when it starts: the page builds its form from it. */
export interface Formats {
  readonly readers: ReadonlyArray<{ readonly name: string; readonly title: string }>;
  readonly writers: ReadonlyArray<{
    readonly name: string;
    readonly title: string;
    readonly extension: string;
  }>;
  readonly options: readonly OptionField[];
}

/** A plugin option as the page shows it (from the plugins' own option specs). */
export interface OptionField {
  readonly plugin: string;
  readonly role: 'input' | 'output';
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly choices?: readonly string[];
  readonly repeatable?: boolean;
  readonly placeholder?: string;
}
