/**
 * The page: files in (chosen, dropped or pasted), the CLI's options as a form, and every
 * conversion sent to the worker (worker.ts, started from a Blob URL of its inline source).
 * It shows the `pyprof info` summary and the CLI's readable table — the text writer's own
 * table, split into cells at its aligned columns, so names and numbers are the CLI's — with
 * sorting, a search box and the selected function's callers and callees (the text writer's
 * callers/callees reports). Downloads are the bytes the CLI writes, named as the CLI names
 * them; "Open in speedscope" hands the speedscope output to the bundled app (see
 * speedscope-receiver.ts). The page itself converts nothing.
 */
import type { ConvertRequest, Formats, InputFile, OptionField, WorkerReply } from './protocol.ts';
import { parseTable, type Table } from './table.ts';

type Options = Record<string, string | boolean | string[]>;
type Done = Extract<WorkerReply, { kind: 'done' }>;

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const ui = {
  files: element<HTMLInputElement>('files'),
  drop: element<HTMLElement>('drop'),
  pasteName: element<HTMLInputElement>('paste-name'),
  paste: element<HTMLTextAreaElement>('paste'),
  pasteLoad: element<HTMLButtonElement>('paste-load'),
  from: element<HTMLSelectElement>('opt-from'),
  thread: element<HTMLInputElement>('opt-thread'),
  strict: element<HTMLInputElement>('opt-strict'),
  pluginOptions: element<HTMLElement>('plugin-options'),
  apply: element<HTMLButtonElement>('apply'),
  status: element<HTMLElement>('status'),
  progress: element<HTMLProgressElement>('progress'),
  cancel: element<HTMLButtonElement>('cancel'),
  error: element<HTMLElement>('error'),
  diagnostics: element<HTMLElement>('diagnostics'),
  result: element<HTMLElement>('result'),
  summary: element<HTMLElement>('summary'),
  downloads: element<HTMLElement>('downloads'),
  openSpeedscope: element<HTMLButtonElement>('open-speedscope'),
  caption: element<HTMLElement>('caption'),
  search: element<HTMLInputElement>('search'),
  head: element<HTMLElement>('table-head'),
  body: element<HTMLElement>('table-body'),
  shown: element<HTMLElement>('shown'),
  related: element<HTMLElement>('related'),
  relatedNone: element<HTMLElement>('related-none'),
};

/** Rows drawn at most; the search box reaches the others. */
const MAX_ROWS = 500;

let files: InputFile[] = [];
let formats: Formats | undefined;
let worker: Worker;
let nextId = 1;
const pending = new Map<number, { resolve(reply: Done): void; reject(error: Error): void }>();
let table: Table | undefined;
let sortColumn = -1;
let sortDescending = true;
let selected: string | undefined;
let haystacks: { table: Table; texts: string[] } | undefined;

/** Starts (or restarts, after a cancel) the worker from its inline source. */
function startWorker(): void {
  const source = element<HTMLScriptElement>('worker-source').textContent ?? '';
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  worker = new Worker(url);
  URL.revokeObjectURL(url);
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    if (reply.kind === 'formats') {
      if (!formats) buildForm(reply.formats);
      formats = reply.formats;
    } else if (reply.kind === 'progress') {
      ui.progress.max = reply.total;
      ui.progress.value = reply.done;
    } else {
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiting) return;
      if (reply.kind === 'done') waiting.resolve(reply);
      else waiting.reject(new Error(reply.message));
    }
  };
}

/**
 * The CLI's own options (main.ts GLOBAL_OPTIONS): a plugin option of the same name is not
 * reachable from the command line (`--strict` is the CLI's), so the page leaves it out too.
 */
const CLI_OPTIONS = new Set([
  'to',
  'output',
  'from',
  'thread',
  'plugin',
  'sources',
  'with',
  'strict',
  'quiet',
  'help',
  'version',
]);

/** One option field per option name (a name several plugins share is one CLI flag). */
function buildForm(list: Formats): void {
  for (const reader of list.readers) {
    const option = document.createElement('option');
    option.value = reader.name;
    option.textContent = `${reader.name}: ${reader.title}`;
    ui.from.append(option);
  }
  const byName = new Map<string, OptionField[]>();
  for (const field of list.options.filter((f) => !CLI_OPTIONS.has(f.name)))
    byName.set(field.name, [...(byName.get(field.name) ?? []), field]);
  const groups = new Map<string, HTMLFieldSetElement>();
  for (const [name, fields] of byName) {
    const field = fields[0] as OptionField;
    const owners = fields.map((f) => `${f.role} ${f.plugin}`).join(', ');
    let group = groups.get(owners);
    if (!group) {
      group = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = owners;
      group.append(legend);
      groups.set(owners, group);
      ui.pluginOptions.append(group);
    }
    const id = `plugin-option-${name}`;
    const wrap = document.createElement('div');
    wrap.className = 'field';
    const label = document.createElement('label');
    label.htmlFor = id;
    const help = document.createElement('small');
    help.id = `${id}-help`;
    help.textContent = field.description;
    let control: HTMLInputElement | HTMLSelectElement;
    if (field.type === 'boolean') {
      control = document.createElement('input');
      control.type = 'checkbox';
    } else if (field.type === 'choice') {
      control = document.createElement('select');
      const none = document.createElement('option');
      none.value = '';
      none.textContent = 'default';
      control.append(none);
      for (const choice of field.choices ?? []) {
        const option = document.createElement('option');
        option.value = choice;
        option.textContent = choice;
        control.append(option);
      }
    } else {
      control = document.createElement('input');
      control.type = 'text';
      control.autocomplete = 'off';
      if (field.repeatable)
        control.placeholder = `${field.placeholder ?? 'VALUE'} (several: separate by spaces)`;
    }
    control.id = id;
    control.dataset.option = name;
    if (field.repeatable) control.dataset.repeatable = 'true';
    control.setAttribute('aria-describedby', help.id);
    label.textContent = `--${name}`;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') {
      label.prepend(control);
      label.append(' ');
      wrap.append(label, help);
    } else wrap.append(label, control, help);
    group.append(wrap);
  }
}

/** The options the user set, as the CLI would receive them. */
function optionValues(): Options {
  const options: Options = {};
  for (const control of ui.pluginOptions.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
    '[data-option]',
  )) {
    const name = control.dataset.option as string;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') {
      if (control.checked) options[name] = true;
    } else if (control.value.trim() !== '') {
      options[name] = control.dataset.repeatable
        ? control.value.trim().split(/\s+/)
        : control.value.trim();
    }
  }
  return options;
}

/** Only the options of the plugins a conversion to `to` may use (the CLI's ownership rule). */
function optionsFor(to: string, extra: Options = {}): Options {
  const all = { ...optionValues(), ...extra };
  const owned = new Set(
    (formats?.options ?? [])
      .filter((f) => f.role === 'input' || f.plugin === to)
      .map((f) => f.name),
  );
  return Object.fromEntries(Object.entries(all).filter(([name]) => owned.has(name)));
}

function convert(to: string, options: Options): Promise<Done> {
  const id = nextId++;
  const request: ConvertRequest = {
    kind: 'convert',
    id,
    files,
    to,
    options,
    ...(ui.from.value ? { from: ui.from.value } : {}),
    ...(ui.thread.value.trim() ? { thread: ui.thread.value.trim() } : {}),
    strict: ui.strict.checked,
  };
  return new Promise<Done>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage(request);
  });
}

/** Runs `work` with the progress bar and the cancel button shown; reports its error. */
async function busy<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
  ui.status.textContent = `${label}…`;
  ui.error.textContent = '';
  ui.progress.hidden = false;
  ui.progress.removeAttribute('value');
  ui.cancel.hidden = false;
  try {
    const result = await work();
    ui.status.textContent = 'Done.';
    return result;
  } catch (error) {
    ui.status.textContent = 'Failed.';
    ui.error.textContent = error instanceof Error ? error.message : String(error);
    return undefined;
  } finally {
    ui.progress.hidden = true;
    ui.cancel.hidden = true;
  }
}

const TEXT_TABLE_SKIP = new Set(['style', 'report', 'width']);

/** The text writer's table for the current files and options. */
async function load(): Promise<void> {
  table = undefined;
  selected = undefined;
  const tableOptions = Object.fromEntries(
    Object.entries(optionsFor('text')).filter(([name]) => !TEXT_TABLE_SKIP.has(name)),
  );
  const done = await busy(`Reading ${files.map((f) => f.name).join(' + ')}`, () =>
    convert('text', tableOptions),
  );
  if (!done) {
    ui.result.hidden = true;
    ui.diagnostics.textContent = '';
    return;
  }
  ui.diagnostics.textContent = done.diagnostics.join('\n');
  ui.summary.replaceChildren(
    ...done.summary.flatMap(([name, value]) => {
      const term = document.createElement('dt');
      term.textContent = name;
      const description = document.createElement('dd');
      description.textContent = value;
      return [term, description];
    }),
  );
  table = parseTable(await done.blob.text());
  sortColumn = -1;
  ui.caption.textContent = table.caption.join('\n');
  buildDownloads();
  drawHead();
  drawRows();
  ui.related.hidden = true;
  ui.relatedNone.hidden = false;
  ui.result.hidden = false;
  ui.status.textContent = `Loaded ${files.map((f) => f.name).join(' + ')}.`;
}

function buildDownloads(): void {
  ui.downloads.replaceChildren(
    ...(formats?.writers ?? []).map((writer) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `${writer.name}`;
      button.title = writer.title;
      button.setAttribute('aria-label', `Download ${writer.name}: ${writer.title}`);
      button.addEventListener('click', () => download(writer.name));
      return button;
    }),
  );
}

async function download(to: string): Promise<void> {
  const done = await busy(`Converting to ${to}`, () => convert(to, optionsFor(to)));
  if (!done) return;
  const url = URL.createObjectURL(done.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = done.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  ui.status.textContent = `Saved ${done.fileName}.`;
}

/** Opens the bundled speedscope app in a new tab and hands it the speedscope output. */
async function openSpeedscope(): Promise<void> {
  // Opened before the conversion so the browser's popup blocker sees the click.
  const tab = window.open('speedscope/index.html#localProfilePath=pyprof-receive', '_blank');
  if (!tab) {
    ui.error.textContent = 'The browser blocked the new tab; allow pop-ups for this page.';
    return;
  }
  const done = await busy('Converting to speedscope', () =>
    convert('speedscope', optionsFor('speedscope')),
  );
  if (!done) {
    tab.close();
    return;
  }
  const message = { pyprof: 'profile', name: done.fileName, blob: done.blob };
  const onReady = (event: MessageEvent) => {
    if (event.source !== tab || (event.data as { pyprof?: string })?.pyprof !== 'ready') return;
    window.removeEventListener('message', onReady);
    tab.postMessage(message, '*');
  };
  window.addEventListener('message', onReady);
  // The tab may have said it is ready before the conversion finished.
  tab.postMessage(message, '*');
  ui.status.textContent = `Opened ${done.fileName} in speedscope.`;
}

function drawHead(): void {
  const current = table;
  if (!current) return;
  ui.head.replaceChildren(
    ...current.headings.map((heading, column) => {
      const cell = document.createElement('th');
      cell.scope = 'col';
      if (column >= current.numeric) cell.className = 'text';
      cell.setAttribute(
        'aria-sort',
        sortColumn === column ? (sortDescending ? 'descending' : 'ascending') : 'none',
      );
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = heading;
      button.setAttribute('aria-label', `Sort by ${heading}`);
      button.addEventListener('click', () => {
        sortDescending = sortColumn === column ? !sortDescending : column < current.numeric;
        sortColumn = column;
        drawHead();
        drawRows();
        (ui.head.children[column]?.firstChild as HTMLElement | null)?.focus();
      });
      cell.append(button);
      return cell;
    }),
  );
}

function drawRows(): void {
  const current = table;
  if (!current) return;
  const query = ui.search.value.trim().toLowerCase();
  // The rows' names and locations in lower case, made once per table: a key typed in the
  // search box then costs one pass of `includes` (100k rows: the page stays responsive).
  if (haystacks?.table !== current)
    haystacks = {
      table: current,
      texts: current.rows.map((row) => row.cells.slice(current.numeric).join('\n').toLowerCase()),
    };
  const texts = haystacks.texts;
  let rows =
    query === ''
      ? current.rows
      : current.rows.filter((_, k) => (texts[k] as string).includes(query));
  if (sortColumn >= 0) {
    const column = sortColumn;
    const numeric = column < current.numeric;
    const sign = sortDescending ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      if (numeric) {
        const x = a.values[column] as number;
        const y = b.values[column] as number;
        if (Number.isNaN(x) || Number.isNaN(y))
          return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
        return sign * (x - y);
      }
      const x = a.cells[column] as string;
      const y = b.cells[column] as string;
      return sign * (x < y ? -1 : x > y ? 1 : 0);
    });
  }
  // One row is in the Tab order (a roving tabindex); the arrow keys, Home and End move
  // between rows, Enter or Space selects one.
  const lines = rows.slice(0, MAX_ROWS).map((row, index) => {
    const line = document.createElement('tr');
    line.tabIndex = index === 0 ? 0 : -1;
    line.setAttribute('aria-selected', String(row.name === selected));
    for (const [c, text] of row.cells.entries()) {
      const cell = document.createElement('td');
      if (c >= current.numeric) cell.className = 'text';
      cell.textContent = text;
      line.append(cell);
    }
    const choose = () => select(row.name, row.pattern);
    line.addEventListener('click', choose);
    line.addEventListener('keydown', (event) => {
      const to =
        event.key === 'ArrowDown'
          ? index + 1
          : event.key === 'ArrowUp'
            ? index - 1
            : event.key === 'Home'
              ? 0
              : event.key === 'End'
                ? lines.length - 1
                : undefined;
      if (to !== undefined) {
        event.preventDefault();
        const next = lines[Math.max(0, Math.min(lines.length - 1, to))] as HTMLElement;
        line.tabIndex = -1;
        next.tabIndex = 0;
        next.focus();
      } else if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        void choose();
      }
    });
    return line;
  });
  ui.body.replaceChildren(...lines);
  ui.shown.textContent =
    rows.length > MAX_ROWS
      ? `Showing ${MAX_ROWS} of ${rows.length} matching functions; search to narrow them.`
      : `${rows.length} of ${current.rows.length} functions shown.`;
}

/** The text writer's callers and callees reports, restricted to the selected function. */
async function select(name: string, pattern: string): Promise<void> {
  selected = name;
  for (const line of ui.body.children)
    line.setAttribute(
      'aria-selected',
      String(line.children[table?.numeric ?? 0]?.textContent === name),
    );
  const base = Object.fromEntries(
    Object.entries(optionsFor('text')).filter(
      ([key]) => !TEXT_TABLE_SKIP.has(key) && key !== 'limit',
    ),
  );
  const report = async (kind: 'callers' | 'callees') =>
    (await convert('text', { ...base, report: kind, limit: [`re:${pattern}`] })).blob.text();
  const text = await busy(`Finding callers and callees of ${name}`, async () =>
    [await report('callers'), await report('callees')].join('\n'),
  );
  if (text === undefined) return;
  ui.related.textContent = text;
  ui.related.hidden = false;
  ui.relatedNone.hidden = true;
}

async function useFiles(list: Iterable<File>): Promise<void> {
  const chosen = [...list];
  if (chosen.length === 0) return;
  files = chosen.map((file) => ({ name: file.name, blob: file }));
  await load();
}

function usePasted(): void {
  const text = ui.paste.value.replace(/\s+/g, '');
  let bytes: Uint8Array;
  try {
    const binary = atob(text);
    bytes = new Uint8Array(binary.length);
    for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  } catch {
    ui.error.textContent = 'pyprof: the pasted text is not base64';
    return;
  }
  files = [
    { name: ui.pasteName.value.trim() || 'pasted.prof', blob: new Blob([bytes as BlobPart]) },
  ];
  void load();
}

/** Files a `pyprof web` launch preloaded (`#preload=<script>`: it calls `pyprofPreload`). */
function preload(): void {
  const match = /(?:^#|&)preload=([^&]*)/.exec(window.location.hash);
  if (!match) return;
  (window as unknown as { pyprofPreload: unknown }).pyprofPreload = (
    list: Array<{ name: string; base64: string }>,
  ) => {
    files = list.map(({ name, base64 }) => {
      const binary = atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
      return { name, blob: new Blob([bytes as BlobPart]) };
    });
    const start = () => (formats ? void load() : setTimeout(start, 20));
    start();
  };
  const script = document.createElement('script');
  script.src = `file://${decodeURIComponent(match[1] as string)}`;
  document.head.append(script);
}

startWorker();
ui.files.addEventListener('change', () => void useFiles(ui.files.files ?? []));
ui.drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.drop.classList.remove('over');
  void useFiles(event.dataTransfer?.files ?? []);
});
ui.pasteLoad.addEventListener('click', usePasted);
ui.apply.addEventListener('click', () => {
  if (files.length > 0) void load();
});
ui.cancel.addEventListener('click', () => {
  worker.terminate();
  for (const waiting of pending.values()) waiting.reject(new Error('pyprof: cancelled'));
  pending.clear();
  startWorker();
});
ui.openSpeedscope.addEventListener('click', () => void openSpeedscope());
ui.search.addEventListener('input', drawRows);
preload();
