/**
 * The page's conversion worker: core's `convert` with the CLI's own list of bundled formats
 * (apps/cli/src/formats.ts) and the CLI's producer string, so every output is the file
 * `pyprof convert` writes. It runs off the page's thread (the page stays responsive with a
 * 50 MB dump) and is created from a Blob URL, since Chromium refuses worker scripts loaded
 * from file://. No conversion logic lives here: only input streams (for progress), the
 * output file name and the `pyprof info` summary lines.
 */
import {
  chunksToBytes,
  convert,
  costUnitOf,
  createRegistry,
  Diagnostics,
  isInputPlugin,
  isOutputPlugin,
  STREAM_ABOVE,
  totalCalls,
  totalSelfTime,
} from '@pyprof/core';
import { formatError } from '../../cli/src/exit-codes.ts';
import { builtinFormats } from '../../cli/src/formats.ts';
import { outputBaseName } from '../../cli/src/output-name.ts';
import type { ConvertRequest, Formats, Summary, WorkerReply } from './protocol.ts';

declare const PYPROF_VERSION: string;
/** The CLI's producer, written into outputs' creator fields: the same bytes as the CLI. */
const PRODUCER = `pyprof@${PYPROF_VERSION}`;
/** Progress is reported per chunk of this many bytes. */
const CHUNK = 1 << 20;

const scope = globalThis as unknown as {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ConvertRequest>) => void) | null;
};

/** The files as web streams of 1 MiB chunks, counting what the reader has consumed. */
function streams(files: readonly Uint8Array[], id: number): ReadableStream<Uint8Array>[] {
  const total = files.reduce((sum, file) => sum + file.length, 0);
  let done = 0;
  return files.map(
    (file) =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          const at = (controller as unknown as { at?: number }).at ?? 0;
          (controller as unknown as { at: number }).at = at + CHUNK;
          if (at >= file.length) {
            controller.close();
            return;
          }
          const chunk = file.subarray(at, at + CHUNK);
          done += chunk.length;
          scope.postMessage({ kind: 'progress', id, done, total });
          controller.enqueue(chunk);
        },
      }),
  );
}

function seconds(value: number): string {
  if (Number.isNaN(value)) return 'unknown';
  return Math.abs(value) >= 1 ? `${value.toFixed(3)} s` : `${(value * 1000).toFixed(3)} ms`;
}

async function run(request: ConvertRequest): Promise<WorkerReply> {
  const diagnostics = new Diagnostics();
  const registry = createRegistry(builtinFormats);
  const trusted = builtinFormats.filter(isInputPlugin);
  const contents = await Promise.all(
    request.files.map(async (file) => new Uint8Array(await file.blob.arrayBuffer())),
  );
  const data = streams(contents, request.id);
  // Whole reads, as the CLI does for files of a known size below core's streaming bound.
  const result = await convert({
    registry,
    inputs: request.files.map((file, index) => ({
      name: file.name,
      label: file.name,
      data:
        (contents[index] as Uint8Array).length > STREAM_ABOVE
          ? (data[index] as never)
          : (contents[index] as Uint8Array),
    })),
    to: request.to,
    options: request.options,
    ...(request.from ? { from: request.from } : {}),
    ...(request.thread ? { thread: request.thread } : {}),
    producer: PRODUCER,
    strict: request.strict === true,
    validate: { except: trusted },
    diagnostics,
  });
  // A streamed conversion (a hotshot log to a Chrome trace) gives its chunks, then its set.
  const bytes = await chunksToBytes(result.chunks);
  const names = result.names.map((name) => name ?? 'stdin');
  // Named as the CLI names its file: after the input, or the inputs joined with `+`.
  const base = outputBaseName(names);
  const writer = result.writer;
  const fileName = writer.defaultOutputName
    ? writer.defaultOutputName(base, [])
    : `${base}${writer.extension}`;
  const whole = result.set.whole;
  const m = whole.metadata;
  const calls = totalCalls(whole);
  const total = totalSelfTime(whole);
  const summary: Summary = [
    ['files', names.join(' + ')],
    ['format', [...new Set(result.readers.map((r) => `${r.name} (${r.title})`))].join(', ')],
    ['producer', m.producer ?? 'unknown'],
    ['python', m.pythonVersion ?? 'unknown'],
    ['threads', String(result.set.parts.length)],
    ['functions', String(whole.functions.length)],
    [
      'calls',
      m.sampled
        ? 'not recorded (sampled stacks)'
        : Number.isNaN(calls)
          ? 'not recorded'
          : String(calls),
    ],
    ['total time', costUnitOf(whole) === 'samples' ? `${total} samples` : seconds(total)],
    ['warnings', diagnostics.count() === 0 ? 'none' : String(diagnostics.count())],
  ];
  return {
    kind: 'done',
    id: request.id,
    blob: new Blob([bytes as BlobPart]),
    fileName,
    summary,
    diagnostics: diagnostics.list.map(
      (d) =>
        `${d.input ?? 'pyprof'}: ${d.severity}: ${d.message} [${d.source}/${d.code}]${d.count > 1 ? ` (and ${d.count - 1} more like it)` : ''}`,
    ),
  };
}

const formats: Formats = {
  readers: builtinFormats.filter(isInputPlugin).map((p) => ({ name: p.name, title: p.title })),
  writers: builtinFormats.filter(isOutputPlugin).map((p) => ({
    name: p.name,
    title: p.title,
    extension: p.extension,
  })),
  options: builtinFormats.flatMap((plugin) =>
    Object.entries(plugin.options ?? {}).map(([name, spec]) => ({
      plugin: plugin.name,
      role: isInputPlugin(plugin) ? ('input' as const) : ('output' as const),
      name,
      type: spec.type,
      description: spec.description,
      ...(spec.choices ? { choices: spec.choices } : {}),
      ...(spec.repeatable ? { repeatable: true } : {}),
      ...(spec.placeholder ? { placeholder: spec.placeholder } : {}),
    })),
  ),
};
scope.postMessage({ kind: 'formats', formats });

scope.onmessage = (event) => {
  const request = event.data;
  run(request).then(
    (reply) => scope.postMessage(reply),
    (error: unknown) => {
      const label = (error as { input?: string }).input;
      // The CLI's stderr line; an internal error's stack stays out of the page.
      const message = `${label === undefined ? 'pyprof: ' : ''}${formatError(error, label)}`;
      scope.postMessage({ kind: 'error', id: request.id, message: message.split('\n')[0] ?? '' });
    },
  );
};
