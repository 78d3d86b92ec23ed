/**
 * lsprof pickles → ProfileSet. The pickled object (specs/lsprof.md §3) is
 *
 *   Stats { data: [profiler_entry…], threads: {thread_id: Stats {data, threads: {}}} }
 *   profiler_entry    = (code label, callcount, reccallcount, totaltime, inlinetime, calls)
 *   profiler_subentry = (code label, callcount, reccallcount, totaltime, inlinetime)
 *
 * where `calls` lists an entry's *callees*. Each Stats becomes one profile — the main
 * thread (`Stats.data`) first, then each thread in pickle order, labelled with its id —
 * and the set's whole is their merge. Entries give a function's numbers (nc = callcount,
 * cc = callcount − reccallcount, tt = inlinetime, ct = totaltime, in seconds); each
 * subentry gives the caller→callee edge the same way, which is exactly what cProfile's
 * pstats callers hold.
 *
 * Lossy or lenient points, each with a warning code: distinct code objects with equal
 * labels (four `<string>` eval frames, say) are one function whose numbers are summed
 * (`duplicate-label`, info); a callee that has no entry of its own is kept as a function
 * with no numbers (`dangling-callee`, info); a NaN time is kept as absent (`nan-time`);
 * bytes after the pickle's STOP are ignored (`trailing-data`).
 *
 * Every list and record may serve once (a memo reference that makes one `calls` list or
 * one entry appear twice is refused), so the work is proportional to the file's size.
 */
import {
  type MetadataInput,
  makeProfileSet,
  malformed,
  type Profile,
  ProfileBuilder,
  type ProfileSet,
  type ReadContext,
} from '@pyprof/core';
import { moduleOfLabel, type PythonLabel, parsePythonLabel } from './label.js';
import { FORMAT } from './machine.js';
import { type LoadOptions, loadPickle, type PickleScan } from './pickle.js';
import {
  describeValue,
  type PickleValue,
  PyDict,
  PyList,
  PyTuple,
  StatsObject,
  StructSeq,
} from './values.js';

/** What wrote the pickle, from the Stats class's module. */
const PRODUCERS: Record<string, string> = {
  'breezy.lsprof': 'breezy',
  'bzrlib.lsprof': 'bzrlib',
  lsprof: 'lsprof',
};

const FIELD_NAMES = ['code', 'callcount', 'reccallcount', 'totaltime', 'inlinetime', 'calls'];

function refuse(offset: number, message: string): never {
  throw malformed(FORMAT, { offset }, message);
}

/** Marks a list or record as used; a second use (a shared memo object) is refused. */
function claim(value: PyList | StructSeq | StatsObject, what: string): void {
  if (value.claimed) {
    refuse(
      value.offset,
      `${what} built at offset ${value.offset} is used twice (a shared memo reference); an lsprof pickle never shares it`,
    );
  }
  value.claimed = true;
}

function count(record: StructSeq, field: number): number {
  const value = record.fields[field];
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  const what = `${FIELD_NAMES[field]} of a profiler_${record.role}`;
  if (typeof n === 'bigint' && n >= 0n)
    refuse(record.offset, `${what} is ${n}, too large to be a call count`);
  return refuse(record.offset, `${what} must be a count, found ${describeValue(value)}`);
}

function time(record: StructSeq, field: number, context: ReadContext): number {
  const value = record.fields[field];
  const what = `${FIELD_NAMES[field]} of a profiler_${record.role}`;
  if (typeof value !== 'number')
    refuse(record.offset, `${what} must be a number of seconds, found ${describeValue(value)}`);
  if (value === Infinity || value === -Infinity) refuse(record.offset, `${what} is infinite`);
  if (Number.isNaN(value)) {
    context.warn({
      code: 'nan-time',
      message: `${what} is NaN; it is kept as absent`,
      place: { offset: record.offset },
    });
  }
  return value;
}

/** The records of a `data` or `calls` list. */
function recordsOf(list: PickleValue, role: 'entry' | 'subentry', what: string): StructSeq[] {
  if (!(list instanceof PyList || list instanceof PyTuple)) {
    const offset = list instanceof PyDict ? list.offset : 0;
    refuse(
      offset,
      `${what} must be a list of profiler_${role} records, found ${describeValue(list)}`,
    );
  }
  if (list instanceof PyList) claim(list, what);
  const records: StructSeq[] = [];
  for (const item of list.items) {
    if (!(item instanceof StructSeq) || item.role !== role) {
      refuse(
        list.offset,
        `${what} must be a list of profiler_${role} records, but it holds ${describeValue(item)}`,
      );
    }
    claim(item, `a profiler_${role}`);
    records.push(item);
  }
  return records;
}

interface Part {
  stats: StatsObject;
  threadId?: string;
}

function threadIdOf(key: PickleValue, offset: number): string {
  if (typeof key === 'boolean') return String(Number(key));
  if ((typeof key === 'number' && Number.isInteger(key)) || typeof key === 'bigint')
    return String(key);
  return refuse(offset, `a thread id must be an integer, found ${describeValue(key)}`);
}

/** The main thread's Stats, then each thread's, in pickle order (dict semantics for ids). */
function partsOf(root: StatsObject): Part[] {
  claim(root, 'the Stats object');
  const parts: Part[] = [{ stats: root }];
  const threads = root.attributes.get('threads');
  if (threads === undefined || threads === null) return parts;
  if (!(threads instanceof PyDict))
    refuse(root.offset, `Stats.threads must be a dict, found ${describeValue(threads)}`);
  const byId = new Map<string, number>();
  for (let k = 0; k < threads.flat.length; k += 2) {
    const id = threadIdOf(threads.flat[k] as PickleValue, threads.offset);
    const stats = threads.flat[k + 1];
    if (!(stats instanceof StatsObject)) {
      refuse(
        threads.offset,
        `Stats.threads[${id}] must be a Stats object, found ${describeValue(stats)}`,
      );
    }
    claim(stats, `the Stats object of thread ${id}`);
    const nested = stats.attributes.get('threads');
    if (
      nested !== undefined &&
      nested !== null &&
      !(nested instanceof PyDict && nested.flat.length === 0)
    ) {
      refuse(stats.offset, `the Stats of thread ${id} has threads of its own`);
    }
    const at = byId.get(id);
    if (at === undefined) {
      byId.set(id, parts.length);
      parts.push({ stats, threadId: id });
    } else parts[at] = { stats, threadId: id }; // a repeated key replaces the value in place
  }
  return parts;
}

/** Parsed labels, shared by all parts: a label repeated in every thread is parsed once. */
type LabelCache = Map<string, (PythonLabel & { moduleColumn: string }) | null>;

/** One Stats → one profile. */
function profileOf(
  part: Part,
  metadata: MetadataInput,
  context: ReadContext,
  parsed: LabelCache,
): Profile {
  const { stats } = part;
  const partName = part.threadId === undefined ? 'main thread' : `thread ${part.threadId}`;
  const data = stats.attributes.get('data');
  if (data === undefined) refuse(stats.offset, `the Stats of the ${partName} has no data`);
  const entries = recordsOf(data, 'entry', `Stats.data of the ${partName}`);

  const b = new ProfileBuilder({
    ...metadata,
    label: partName,
    ...(part.threadId !== undefined ? { threadId: part.threadId } : {}),
  });
  const rows = new Map<string, number>();
  const functionFor = (record: StructSeq): number => {
    const label = record.fields[0];
    if (typeof label !== 'string') {
      refuse(
        record.offset,
        `the code of a profiler_${record.role} must be a label string, found ${describeValue(label)}`,
      );
    }
    let fn = rows.get(label);
    if (fn !== undefined) return fn;
    let python = parsed.get(label);
    if (python === undefined) {
      const parts = parsePythonLabel(label);
      python = parts ? { ...parts, moduleColumn: moduleOfLabel(parts.module) } : null;
      parsed.set(label, python);
    }
    if (python === null) fn = b.addFunction('~', 0, label, 'builtin', { module: '' });
    else {
      if (python.line > 2147483647)
        refuse(record.offset, `the label "${label}" has a line number out of range`);
      fn = b.addFunction(python.module, python.line, python.name, 'python', {
        module: python.moduleColumn,
      });
    }
    rows.set(label, fn);
    return fn;
  };

  const order: number[] = [];
  const defined = new Set<number>();
  let duplicates = 0;
  for (const entry of entries) {
    const fn = functionFor(entry);
    const calls = count(entry, 1);
    const recursive = count(entry, 2);
    if (recursive > calls)
      refuse(entry.offset, `reccallcount ${recursive} exceeds callcount ${calls}`);
    if (defined.has(fn)) duplicates++;
    else {
      defined.add(fn);
      order.push(fn);
    }
    b.addFunctionStats(fn, {
      callCount: calls,
      primitiveCallCount: calls - recursive,
      selfTime: time(entry, 4, context),
      inclusiveTime: time(entry, 3, context),
    });
    const callees = entry.fields[5] as PickleValue;
    if (callees === null) continue;
    for (const sub of recordsOf(callees, 'subentry', 'the calls of a profiler_entry')) {
      const subCalls = count(sub, 1);
      const subRecursive = count(sub, 2);
      if (subRecursive > subCalls)
        refuse(sub.offset, `reccallcount ${subRecursive} exceeds callcount ${subCalls}`);
      b.addCall(fn, functionFor(sub), {
        callCount: subCalls,
        primitiveCallCount: subCalls - subRecursive,
        selfTime: time(sub, 4, context),
        inclusiveTime: time(sub, 3, context),
      });
    }
  }
  if (duplicates > 0) {
    context.warn({
      severity: 'info',
      code: 'duplicate-label',
      message: `${partName}: ${duplicates} entr${duplicates === 1 ? 'y has' : 'ies have'} the label of an earlier entry (distinct code objects the label cannot tell apart); their numbers were summed`,
    });
  }
  const dangling = b.functionCount - order.length;
  if (dangling > 0) {
    context.warn({
      severity: 'info',
      code: 'dangling-callee',
      message: `${partName}: ${dangling} callee${dangling === 1 ? ' has' : 's have'} no entry of its own; kept as functions with no numbers`,
    });
  }
  return b.build({ functionOrder: order });
}

function pythonMajorOf(scan: PickleScan): 2 | 3 | undefined {
  if (scan.unicodeStrings > 0 || (scan.protocol ?? 0) >= 3) return 3;
  return scan.byteStrings > 0 ? 2 : undefined;
}

/** Reads an lsprof pickle (see the file comment); `hooks` reach the pickle reader. */
export function readLsprof(
  input: Uint8Array,
  context: ReadContext,
  hooks: LoadOptions = {},
): ProfileSet {
  const { value, scan } = loadPickle(input, hooks);
  if (!(value instanceof StatsObject)) {
    refuse(
      0,
      `not an lsprof pickle: it holds ${describeValue(value)}, not a Stats object (bzr/brz --lsprof-file writes a breezy/bzrlib lsprof Stats)`,
    );
  }
  if (scan.end < input.length) {
    context.warn({
      code: 'trailing-data',
      message: `${input.length - scan.end} bytes after the pickle's STOP were ignored`,
      place: { offset: scan.end },
    });
  }
  const pythonMajor = pythonMajorOf(scan);
  const metadata: MetadataInput = {
    format: FORMAT,
    producer: PRODUCERS[value.cls.module] ?? value.cls.module,
    ...(pythonMajor !== undefined
      ? {
          pythonMajor,
          pythonVersion: `${pythonMajor}.x`,
          timeUnit:
            pythonMajor === 2
              ? 'seconds (wall clock, microsecond resolution)'
              : 'seconds (wall clock)',
        }
      : {}),
  };
  const parsed: LabelCache = new Map();
  const parts = partsOf(value).map((part) => profileOf(part, metadata, context, parsed));
  return makeProfileSet(parts);
}
