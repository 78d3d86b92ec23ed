// What every trace this package writes must be, checked the way the viewers read it
// (specs/chrome-trace.md): JSON in the object form; only B, E and M events; numeric pids
// and small tids; per thread, timestamps strictly increasing in file order, every E naming
// the B it closes, nothing left open; a process_name per pid and a thread_name per
// thread. Returns each thread's own time per event name, in nanoseconds as written and
// floored to the log's tick (the nudges of trace.ts undone), for oracle comparisons.
import { expect } from 'vitest';

/** Stops the check with `message` unless `ok` (plain checks: `expect` per event is slow). */
function require(ok: boolean, message: string): void {
  if (!ok) throw new Error(`not a trace the viewers read as meant: ${message}`);
}

export interface ThreadSummary {
  pid: number;
  tid: number;
  /** B and E events. */
  events: number;
  /** Own time per name (ns, as written). */
  own: Map<string, number>;
  /** Own time per name (ns) with every timestamp floored to the tick. */
  ownFloored: Map<string, number>;
  /** Calls per name. */
  calls: Map<string, number>;
  /** Last timestamp minus first (ns). */
  span: number;
}

export interface TraceSummary {
  threads: ThreadSummary[];
  processNames: Map<number, string>;
  /** By `pid:tid`. */
  threadNames: Map<string, string>;
  /** By `pid:tid`: the real thread id the metadata gives, when it does. */
  threadIds: Map<string, string>;
  otherData: Record<string, unknown>;
}

interface TraceEvent {
  ph: string;
  pid: number;
  tid?: number;
  ts?: number;
  name?: string;
  args?: Record<string, unknown>;
  cat?: unknown;
}

const add = (map: Map<string, number>, key: string, value: number) =>
  map.set(key, (map.get(key) ?? 0) + value);

/** Checks `text` (see the file comment); `tickNs` is the recorded clock's tick (default 1 µs). */
export function checkTrace(text: string, tickNs = 1000): TraceSummary {
  const parsed = JSON.parse(text) as {
    traceEvents: TraceEvent[];
    otherData: Record<string, unknown>;
  };
  expect(Object.keys(parsed)).toEqual(['traceEvents', 'otherData']);
  expect(Array.isArray(parsed.traceEvents)).toBe(true);
  const stacks = new Map<
    string,
    {
      summary: ThreadSummary;
      last: number;
      first: number;
      open: Array<{
        name: string;
        start: number;
        startFloor: number;
        children: number;
        childrenFloor: number;
      }>;
    }
  >();
  const processNames = new Map<number, string>();
  const threadNames = new Map<string, string>();
  const threadIds = new Map<string, string>();
  for (const event of parsed.traceEvents) {
    const what = JSON.stringify(event);
    require(event.ph === 'B' || event.ph === 'E' || event.ph === 'M', `phase of ${what}`);
    require(Number.isInteger(event.pid) && event.pid > 0, `pid of ${what}`);
    require(event.cat === undefined, `cat in ${what}`);
    if (event.ph === 'M') {
      const name = event.args?.name;
      require(typeof name === 'string', `name in ${what}`);
      if (event.name === 'process_name') processNames.set(event.pid, name as string);
      else {
        require(event.name === 'thread_name', `metadata ${what}`);
        threadNames.set(`${event.pid}:${event.tid}`, name as string);
        if (event.args?.id !== undefined)
          threadIds.set(`${event.pid}:${event.tid}`, String(event.args.id));
      }
      continue;
    }
    require(event.args === undefined, `args in ${what}`);
    const tid = event.tid as number;
    require(Number.isInteger(tid) && tid > 0 && tid < 2 ** 32, `tid of ${what}`);
    require(typeof event.name === 'string', `name of ${what}`);
    require(typeof event.ts === 'number', `ts of ${what}`);
    const ns = Math.round((event.ts as number) * 1000);
    require(Math.abs(ns / 1000 - (event.ts as number)) < 1e-6, `ts of ${what}: whole ns`);
    const floor = Math.floor(ns / tickNs) * tickNs;
    const key = `${event.pid}:${tid}`;
    let thread = stacks.get(key);
    if (thread === undefined) {
      thread = {
        summary: {
          pid: event.pid,
          tid,
          events: 0,
          own: new Map(),
          ownFloored: new Map(),
          calls: new Map(),
          span: 0,
        },
        last: Number.NEGATIVE_INFINITY,
        first: ns,
        open: [],
      };
      stacks.set(key, thread);
    }
    require(ns > thread.last, `${key}: timestamps strictly increase (${what})`);
    thread.last = ns;
    thread.summary.events++;
    const name = event.name as string;
    if (event.ph === 'B') {
      thread.open.push({ name, start: ns, startFloor: floor, children: 0, childrenFloor: 0 });
      add(thread.summary.calls, name, 1);
    } else {
      const frame = thread.open.pop();
      require(frame?.name === name, `${key}: an E names the B it closes (${what})`);
      if (frame === undefined) continue;
      const total = ns - frame.start;
      const totalFloor = floor - frame.startFloor;
      add(thread.summary.own, name, total - frame.children);
      add(thread.summary.ownFloored, name, totalFloor - frame.childrenFloor);
      const parent = thread.open[thread.open.length - 1];
      if (parent) {
        parent.children += total;
        parent.childrenFloor += totalFloor;
      }
    }
  }
  for (const [key, thread] of stacks) {
    expect(
      thread.open.map((f) => f.name),
      `${key}: everything closed`,
    ).toEqual([]);
    thread.summary.span = thread.last - thread.first;
    expect(processNames.has(thread.summary.pid), `${key}: its process is named`).toBe(true);
    expect(threadNames.has(key), `${key}: the thread is named`).toBe(true);
  }
  return {
    threads: [...stacks.values()].map((t) => t.summary),
    processNames,
    threadNames,
    threadIds,
    otherData: parsed.otherData,
  };
}

/** Own time (ns) per name over all threads. */
export function ownTimes(summary: TraceSummary, floored = false): Map<string, number> {
  const out = new Map<string, number>();
  for (const thread of summary.threads)
    for (const [name, ns] of floored ? thread.ownFloored : thread.own) add(out, name, ns);
  return out;
}
