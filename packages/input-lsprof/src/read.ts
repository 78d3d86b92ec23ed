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
import {
  describeValue,
  type PickleScan,
  type PickleValue,
  PyDict,
  PyList,
  PyObject,
  PyTuple,
} from '@pyprof/pickle';
import { moduleOfLabel, type PythonLabel, parsePythonLabel } from './label.js';
import { FORMAT, type LoadOptions, loadPickle, type RecordTable, StructSeq } from './pickle.js';

/** What wrote the pickle, from the Stats class's module. */
const PRODUCERS: Record<string, string> = {
  'breezy.lsprof': 'breezy',
  'bzrlib.lsprof': 'bzrlib',
  lsprof: 'lsprof',
};

function refuse(offset: number, message: string): never {
  throw malformed(FORMAT, { offset }, message);
}

/** Marks a list or record as used; a second use (a shared memo object) is refused. */
function claim(value: PyList | StructSeq | PyObject, what: string): void {
  if (value.claimed) {
    refuse(
      value.offset,
      `${what} built at offset ${value.offset} is used twice (a shared memo reference); an lsprof pickle never shares it`,
    );
  }
  value.claimed = true;
}

/** A NaN time is kept as absent, with a warning. */
function time(value: number, record: StructSeq, field: string, context: ReadContext): number {
  if (Number.isNaN(value)) {
    context.warn({
      code: 'nan-time',
      message: `${field} of a profiler_${record.role} is NaN; it is kept as absent`,
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
  stats: PyObject;
  threadId?: string;
}

function threadIdOf(key: PickleValue, offset: number): string {
  if (typeof key === 'boolean') return String(Number(key));
  if ((typeof key === 'number' && Number.isInteger(key)) || typeof key === 'bigint')
    return String(key);
  return refuse(offset, `a thread id must be an integer, found ${describeValue(key)}`);
}

/** The main thread's Stats, then each thread's, in pickle order (dict semantics for ids). */
function partsOf(root: PyObject): Part[] {
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
    if (!(stats instanceof PyObject)) {
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

/**
 * Per label id, shared by all parts: the parsed label (parsed once, however many threads
 * repeat it) and, for the part being built, its function row (`rowPart` says which part
 * wrote `row`, so the arrays are allocated once, not once per part).
 */
interface Labels {
  parsed: Array<(PythonLabel & { moduleColumn: string }) | null | undefined>;
  row: Int32Array;
  rowPart: Int32Array;
}

/** One Stats → one profile. */
function profileOf(
  part: Part,
  partIndex: number,
  records: RecordTable,
  labels: Labels,
  metadata: MetadataInput,
  context: ReadContext,
): Profile {
  const { stats } = part;
  const partName = part.threadId === undefined ? 'main thread' : `thread ${part.threadId}`;
  const data = stats.attributes.get('data');
  if (data === undefined) refuse(stats.offset, `the Stats of the ${partName} has no data`);
  const entries = recordsOf(data, 'entry', `Stats.data of the ${partName}`);
  // Each entry and each callee may be a function of its own; each callee one edge.
  let callees = 0;
  for (const entry of entries) {
    const list = records.calls[entry.row];
    if (list instanceof PyList || list instanceof PyTuple) callees += list.items.length;
  }

  const b = new ProfileBuilder({
    ...metadata,
    label: partName,
    ...(part.threadId !== undefined ? { threadId: part.threadId } : { mainThread: true }),
  });
  // Capped by what the file holds: a list shared through the memo is counted once per use
  // here (and refused further down), but must not make this reservation grow.
  b.reserve({
    functions: Math.min(entries.length + callees, records.labels.length),
    calls: Math.min(callees, records.label.length),
  });
  const labelOf = records.label.data;
  const calls = records.callCount.data;
  const recursive = records.recursiveCallCount.data;
  const total = records.totalTime.data;
  const inline = records.inlineTime.data;
  const functionFor = (record: StructSeq): number => {
    const id = labelOf[record.row] as number;
    if (labels.rowPart[id] === partIndex) return labels.row[id] as number;
    const label = records.labels[id] as string;
    let python = labels.parsed[id];
    if (python === undefined) {
      const parts = parsePythonLabel(label);
      python = parts ? { ...parts, moduleColumn: moduleOfLabel(parts.module) } : null;
      labels.parsed[id] = python;
    }
    let fn: number;
    if (python === null) fn = b.addFunction('~', 0, label, 'builtin', { module: '' });
    else {
      if (python.line > 2147483647)
        refuse(record.offset, `the label "${label}" has a line number out of range`);
      fn = b.addFunction(python.module, python.line, python.name, 'python', {
        module: python.moduleColumn,
      });
    }
    labels.rowPart[id] = partIndex;
    labels.row[id] = fn;
    return fn;
  };

  const order: number[] = [];
  const defined = new Set<number>();
  let duplicates = 0;
  for (const entry of entries) {
    const fn = functionFor(entry);
    const row = entry.row;
    if (defined.has(fn)) duplicates++;
    else {
      defined.add(fn);
      order.push(fn);
    }
    const nc = calls[row] as number;
    b.addFunctionStats(fn, {
      callCount: nc,
      primitiveCallCount: nc - (recursive[row] as number),
      selfTime: time(inline[row] as number, entry, 'inlinetime', context),
      inclusiveTime: time(total[row] as number, entry, 'totaltime', context),
    });
    const callees = records.calls[row] as PickleValue;
    if (callees === null) continue;
    for (const sub of recordsOf(callees, 'subentry', 'the calls of a profiler_entry')) {
      const k = sub.row;
      const subCalls = calls[k] as number;
      b.addCall(fn, functionFor(sub), {
        callCount: subCalls,
        primitiveCallCount: subCalls - (recursive[k] as number),
        selfTime: time(inline[k] as number, sub, 'inlinetime', context),
        inclusiveTime: time(total[k] as number, sub, 'totaltime', context),
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
  const { value, scan, records } = loadPickle(input, hooks);
  if (!(value instanceof PyObject)) {
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
    clock: 'wall', // _lsprof's default timer, which bzr/brz --lsprof-file uses
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
  const count = records.labels.length;
  const labels: Labels = {
    parsed: new Array(count).fill(undefined),
    row: new Int32Array(count),
    rowPart: new Int32Array(count).fill(-1),
  };
  const parts = partsOf(value).map((part, k) =>
    profileOf(part, k, records, labels, metadata, context),
  );
  // The pickle's objects are no longer needed: let them go before the merge allocates.
  value.attributes.clear();
  records.calls.length = 0;
  return makeProfileSet(parts);
}
