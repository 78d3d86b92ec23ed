/**
 * line_profiler `.lprof` files → ProfileSet. The file is one pickled `LineStats`
 * (specs/line-profiler.md):
 *
 *   LineStats { timings: {(filename, first_lineno, func_name): [(lineno, nhits, total_time)…]},
 *               unit: seconds per time unit }
 *
 * read with @pyprof/pickle's safe reader and line_profiler's allow-list: the three class
 * paths `LineStats` has had (`_line_profiler` up to 2.x, `line_profiler._line_profiler`
 * in 3.0–5.0.2, `line_profiler.line_profiler` after) and `copyreg._reconstructor` /
 * `object` for protocol 0/1 re-pickles; nothing else is in a real file.
 *
 * Each key is one function — (file, first line, name) exactly as line_profiler recorded
 * them: the file as Python had it (often relative, e.g. `prog.py`), the first line of
 * the first decorator, the code's name — in the dict's order, decorated functions that
 * never ran included (no lines). Where line_profiler 5 on Python 3.11+ recorded a
 * qualified name (`K.meth`), the name is its last part and the qualified name is kept in
 * the function's details. Each (line, hits, time) becomes that line's self time
 * (`time × unit` seconds) and hit count; the lines' hits are measured numbers of their own
 * (`LineTable.hitsMeasured`), so callgrind shows them as a second event.
 *
 * What is lost or reinterpreted, each with a warning code:
 * - line_profiler records no calls: call counts are absent (NaN) and no function has a
 *   caller or a callee, so each is a root of its own;
 * - a line's time includes the calls made on it (recursion counted at every level), so
 *   a function's self time — the sum of its lines, what line_profiler prints as "Total
 *   time" — counts its callees too (`line-times-include-calls`, info);
 * - a line listed twice for one function (line_profiler never does) is summed
 *   (`duplicate-line`, info);
 * - bytes after the pickle's STOP are ignored (`trailing-data`).
 *
 * Times and counts are refused when negative, infinite or not numbers; every lines list
 * may serve one function only (a memo reference that shares it is refused), so the work
 * is proportional to the file.
 */
import {
  float64Column,
  int32Column,
  makeProfileSet,
  malformed,
  ProfileBuilder,
  type ProfileSet,
  type ReadContext,
  uint32Column,
} from '@pyprof/core';
import {
  describeValue,
  type LoadedPickle,
  loadPickle,
  type PickleValue,
  PyDict,
  PyList,
  PyObject,
  PyTuple,
  pickleDialect,
  RECONSTRUCTOR_GLOBALS,
} from '@pyprof/pickle';

export const FORMAT = 'line-profiler';

/** The allow-list: everything else is refused before anything is built. */
export const LINE_PROFILER_DIALECT = pickleDialect({
  format: FORMAT,
  noun: 'a line_profiler pickle',
  classes: "line_profiler's LineStats",
  globals: [
    { module: 'line_profiler._line_profiler', name: 'LineStats', kind: 'class' },
    { module: 'line_profiler.line_profiler', name: 'LineStats', kind: 'class' },
    { module: '_line_profiler', name: 'LineStats', kind: 'class' },
    ...RECONSTRUCTOR_GLOBALS,
  ],
});

/** Which line_profiler wrote the file, from the class path of its LineStats. */
const VERSIONS: Record<string, string> = {
  _line_profiler: 'line_profiler ≤ 2.x',
  'line_profiler._line_profiler': 'line_profiler 3.0–5.0.2',
  'line_profiler.line_profiler': 'line_profiler after 5.0.2',
};

function refuse(offset: number, message: string): never {
  throw malformed(FORMAT, { offset }, message);
}

function offsetOf(value: PickleValue | undefined, fallback: number): number {
  return value instanceof PyList ||
    value instanceof PyTuple ||
    value instanceof PyDict ||
    value instanceof PyObject
    ? value.offset
    : fallback;
}

/** A non-negative integer (Python 2 may write a bool); `what` names it in messages. */
function countOf(value: PickleValue | undefined, what: string, at: number): number {
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  if (typeof n === 'bigint' && n >= 0n) {
    if (n <= 2n ** 53n) return Number(n);
    refuse(at, `${what} is ${n}, too large to be a count`);
  }
  return refuse(at, `${what} must be a whole number ≥ 0, found ${describeValue(value)}`);
}

/** A time in the file's unit: a finite number ≥ 0 (an integer in real files). */
function timeOf(value: PickleValue | undefined, what: string, at: number): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n === 'number' && n >= 0 && n !== Infinity) return n;
  return refuse(at, `${what} must be a time ≥ 0, found ${describeValue(value)}`);
}

/** A string of the key (Python 2 keys are byte strings, decoded losslessly). */
function textOf(value: PickleValue | undefined, what: string, at: number): string {
  if (typeof value === 'string') return value;
  return refuse(at, `${what} must be a string, found ${describeValue(value)}`);
}

/** The items of a list or tuple. */
function itemsOf(value: PickleValue | undefined, what: string, at: number): readonly PickleValue[] {
  if (value instanceof PyList || value instanceof PyTuple) return value.items;
  return refuse(at, `${what} must be a list, found ${describeValue(value)}`);
}

interface Key {
  file: string;
  firstLine: number;
  name: string;
  qualifiedName?: string;
}

/** `(filename, first_lineno, func_name)`; a qualified name keeps its last part as the name. */
function keyOf(value: PickleValue, at: number): Key {
  if (!(value instanceof PyTuple) || value.items.length !== 3) {
    refuse(
      offsetOf(value, at),
      `a timings key must be a (filename, first line, function name) tuple, found ${describeValue(value)}`,
    );
  }
  const [file, line, name] = value.items;
  const firstLine = countOf(line, 'the first line of a timings key', value.offset);
  if (firstLine > 2147483647) refuse(value.offset, `first line ${firstLine} is out of range`);
  const qualified = textOf(name, 'the function name of a timings key', value.offset);
  const dot = qualified.lastIndexOf('.');
  return {
    file: textOf(file, 'the filename of a timings key', value.offset),
    firstLine,
    name: dot < 0 ? qualified : qualified.slice(dot + 1),
    ...(dot < 0 ? {} : { qualifiedName: qualified }),
  };
}

function pythonMajorOf(loaded: LoadedPickle): 2 | 3 | undefined {
  const { scan } = loaded;
  if (scan.unicodeStrings > 0 || (scan.protocol ?? 0) >= 3) return 3;
  return scan.byteStrings > 0 ? 2 : undefined;
}

/** Reads a `.lprof` file (see the file comment). */
export function readLineProfiler(input: Uint8Array, context: ReadContext): ProfileSet {
  const loaded = loadPickle(input, LINE_PROFILER_DIALECT);
  const stats = loaded.value;
  if (!(stats instanceof PyObject)) {
    refuse(
      0,
      `not a line_profiler file: it holds ${describeValue(stats)}, not a LineStats object (kernprof -l and LineProfiler.dump_stats write one)`,
    );
  }
  if (loaded.scan.end < input.length) {
    context.warn({
      code: 'trailing-data',
      message: `${input.length - loaded.scan.end} bytes after the pickle's STOP were ignored`,
      place: { offset: loaded.scan.end },
    });
  }
  const timings = stats.attributes.get('timings');
  const unitValue = stats.attributes.get('unit');
  if (!(timings instanceof PyDict)) {
    refuse(stats.offset, `LineStats.timings must be a dict, found ${describeValue(timings)}`);
  }
  const unit =
    typeof unitValue === 'number' && unitValue > 0 && unitValue !== Infinity
      ? unitValue
      : refuse(
          stats.offset,
          `LineStats.unit must be a positive number of seconds, found ${describeValue(unitValue)}`,
        );

  // The dict's keys in order; a repeated key replaces its value in place, as in Python.
  const order: Key[] = [];
  const values: PickleValue[] = [];
  const at = new Map<string, number>();
  for (let k = 0; k < timings.flat.length; k += 2) {
    const key = keyOf(timings.flat[k] as PickleValue, timings.offset);
    const id = `${key.file}\0${key.firstLine}\0${key.qualifiedName ?? key.name}`;
    const known = at.get(id);
    if (known === undefined) {
      at.set(id, order.length);
      order.push(key);
      values.push(timings.flat[k + 1] as PickleValue);
    } else values[known] = timings.flat[k + 1] as PickleValue;
  }

  const pythonMajor = pythonMajorOf(loaded);
  const b = new ProfileBuilder({
    format: FORMAT,
    producer: 'line_profiler',
    ...(pythonMajor !== undefined ? { pythonMajor, pythonVersion: `${pythonMajor}.x` } : {}),
    timeUnit: `seconds (line_profiler's timer unit ${unit} s)`,
    info: [
      ['line_profiler', VERSIONS[stats.cls.module] ?? stats.cls.module],
      ['unit', String(unit)],
    ],
  });
  b.reserve({ functions: order.length, calls: 0 });
  const lineFunction = uint32Column();
  const lineNumber = int32Column();
  const lineSelf = float64Column();
  const lineHits = float64Column();
  let duplicates = 0;
  let timed = false;
  for (let k = 0; k < order.length; k++) {
    const key = order[k] as Key;
    const fn = b.addFunction(key.file, key.firstLine, key.name, 'python', {
      ...(key.qualifiedName !== undefined ? { details: { qualifiedName: key.qualifiedName } } : {}),
    });
    const list = values[k] as PickleValue;
    const where = offsetOf(list, timings.offset);
    if (list instanceof PyList) {
      if (list.claimed)
        refuse(where, `the lines list built at offset ${where} serves two functions`);
      list.claimed = true;
    }
    const rowOf = new Map<number, number>();
    let self = 0;
    for (const entry of itemsOf(list, `the lines of ${key.name}`, where)) {
      const entryAt = offsetOf(entry, where);
      if (!(entry instanceof PyTuple || entry instanceof PyList) || entry.items.length !== 3) {
        refuse(entryAt, `a line entry must be (line, hits, time), found ${describeValue(entry)}`);
      }
      const [line, hits, time] = entry.items;
      const number = countOf(line, 'a line number', entryAt);
      if (number > 2147483647) refuse(entryAt, `line ${number} is out of range`);
      const seconds = timeOf(time, `the time of line ${number}`, entryAt) * unit;
      const count = countOf(hits, `the hits of line ${number}`, entryAt);
      self += seconds;
      timed = true;
      const row = rowOf.get(number);
      if (row !== undefined) {
        duplicates++;
        lineSelf.add(row, seconds);
        lineHits.add(row, count);
        continue;
      }
      rowOf.set(number, lineFunction.length);
      lineFunction.push(fn);
      lineNumber.push(number);
      lineSelf.push(seconds);
      lineHits.push(count);
    }
    b.addFunctionStats(fn, {
      callCount: Number.NaN,
      primitiveCallCount: Number.NaN,
      selfTime: self,
      inclusiveTime: self,
    });
  }
  if (lineFunction.length > 0) {
    b.setLines({
      length: lineFunction.length,
      function: lineFunction.finish(),
      line: lineNumber.finish(),
      selfTime: lineSelf.finish(),
      hits: lineHits.finish(),
      hitsMeasured: true,
    });
  }
  if (timed) {
    context.warn({
      severity: 'info',
      code: 'line-times-include-calls',
      message:
        "line_profiler's line times include the calls made on each line, so a function's self time (the sum of its lines) counts its callees too; the file records no calls to subtract",
    });
  }
  if (duplicates > 0) {
    context.warn({
      severity: 'info',
      code: 'duplicate-line',
      message: `${duplicates} line${duplicates === 1 ? ' was' : 's were'} listed twice for one function; their hits and times were summed`,
    });
  }
  return makeProfileSet([b.build()]);
}
