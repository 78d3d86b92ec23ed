// A callgrind reader that follows KCachegrind's loader rules (specs/callgrind.md §3,
// libcore/cachegrindloader.cpp and tracedata.cpp), so a writer is checked against the
// viewer's reading, not against itself (exported from the testkit for any callgrind
// writer's tests):
// - a function is identified by the string name ‖ basename(file) ‖ basename(object),
//   concatenated with no separator, basename = text after the last `/`;
// - the file of a function is the `fl=` current when its `fn=` is read; a callee's file is
//   the `cfi=`/`cfl=` given before its `cfn=`, else the current file (object likewise);
// - `(N) name` defines id N in its own id space (files, functions, objects), `(N)` refers;
// - the line after `calls=` is the call's site and inclusive cost;
// - subpositions may be `*`, `+N`, `-N` or absolute.
// It also records what a good writer must not do (an id defined twice, a `cfn=` without a
// `cfi=` before it, a CR, a `calls=0`), and computes KCachegrind's inclusive cost: the sum
// of incoming arcs without self-arcs, or for a function without callers its self cost plus
// its outgoing arcs (again without self-arcs).

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export interface CallRecord {
  caller: string;
  callee: string;
  count: number;
  cost: number;
  /** The call-site line. */
  line: number;
}

export interface FunctionRecord {
  key: string;
  name: string;
  file: string;
  object: string;
  self: number;
  selfByLine: Map<number, number>;
  /** Every event's self cost by line (`selfByLine` is the first event's). */
  selfEventsByLine: Map<number, number[]>;
  /** Position of the first cost line after `fn=` (the writer puts the def line there). */
  firstLine: number | undefined;
  outgoing: CallRecord[];
  incoming: CallRecord[];
}

export interface ParsedCallgrind {
  header: Map<string, string>;
  events: string[];
  summary: number | undefined;
  /** Every event's summary (`summary` is the first). */
  summaryEvents: number[];
  totals: number | undefined;
  functions: Map<string, FunctionRecord>;
  /** Function keys in the order of their first `fn=` line. */
  order: string[];
  calls: CallRecord[];
  /** Anything KCachegrind would report or a careful writer would avoid. */
  errors: string[];
}

const HEADER_KEYS = new Set([
  'version',
  'creator',
  'cmd',
  'desc',
  'positions',
  'event',
  'events',
  'summary',
  'totals',
  'pid',
  'thread',
  'part',
]);

type Space = 'file' | 'function' | 'object';

export function parseCallgrind(text: string): ParsedCallgrind {
  const errors: string[] = [];
  const header = new Map<string, string>();
  const functions = new Map<string, FunctionRecord>();
  const calls: CallRecord[] = [];
  const order: string[] = [];
  const ordered = new Set<string>();
  const ids: Record<Space, Map<number, string>> = {
    file: new Map(),
    function: new Map(),
    object: new Map(),
  };
  let events: string[] = [];
  let summary: number | undefined;
  let summaryEvents: number[] = [];
  let totals: number | undefined;

  if (text.includes('\r')) errors.push('file contains a CR');
  const lines = text.split('\n');
  if (lines[0] !== '# callgrind format') errors.push('first line is not "# callgrind format"');

  let file: string | undefined;
  let functionFile: string | undefined;
  let object = '';
  let current: FunctionRecord | undefined;
  let calledFile: string | undefined;
  let calledObject: string | undefined;
  let called: string | undefined;
  let callCount: number | undefined;
  let sawCalledFile = false;
  let position = 0;
  let firstCostOfFunction = true;

  const resolve = (space: Space, spec: string, at: number): string => {
    const match = /^\((\d+)\)/.exec(spec);
    if (!match) return spec === '???' ? '' : spec;
    const id = Number(match[1]);
    const rest = spec.slice(match[0].length).replace(/^\s+/, '');
    const known = ids[space].get(id);
    if (rest === '') {
      if (known === undefined) errors.push(`line ${at}: undefined ${space} id ${id}`);
      return known ?? '';
    }
    const name = rest === '???' ? '' : rest;
    if (known !== undefined) errors.push(`line ${at}: ${space} id ${id} defined again`);
    ids[space].set(id, name);
    return name;
  };
  const functionOf = (name: string, inFile: string, inObject: string): FunctionRecord => {
    const key = name + basename(inFile) + basename(inObject);
    let record = functions.get(key);
    if (!record) {
      record = {
        key,
        name,
        file: inFile,
        object: inObject,
        self: 0,
        selfByLine: new Map(),
        selfEventsByLine: new Map(),
        firstLine: undefined,
        outgoing: [],
        incoming: [],
      };
      functions.set(key, record);
    }
    return record;
  };
  const parsePosition = (token: string): number | undefined => {
    if (token === '*') return position;
    if (/^\+\d+$/.test(token)) return position + Number(token.slice(1));
    if (/^-\d+$/.test(token)) return position - Number(token.slice(1));
    if (/^0x[0-9a-f]+$/i.test(token)) return Number.parseInt(token, 16);
    if (/^\d+$/.test(token)) return Number(token);
    return undefined;
  };

  for (let index = 0; index < lines.length; index++) {
    const at = index + 1;
    const line = lines[index] as string;
    if (line === '' || line.startsWith('#')) continue;
    const first = line.charCodeAt(0);
    if (first <= 57 /* '9' */) {
      // A cost line: position, then costs.
      const tokens = line.split(/\s+/);
      const next = parsePosition(tokens[0] as string);
      if (next === undefined || next < 0) {
        errors.push(`line ${at}: bad position "${tokens[0]}"`);
        continue;
      }
      position = next;
      const costs = tokens.slice(1).filter((t) => t !== '');
      if (costs.length > events.length) errors.push(`line ${at}: more costs than events`);
      if (costs.some((c) => !/^\d+$/.test(c))) errors.push(`line ${at}: cost is not an integer`);
      const cost = costs.length > 0 ? Number(costs[0]) : 0;
      if (cost > 2 ** 53) errors.push(`line ${at}: cost above 2^53`);
      if (!current) {
        errors.push(`line ${at}: cost line without a function`);
        continue;
      }
      if (callCount !== undefined) {
        if (called === undefined) errors.push(`line ${at}: call without cfn=`);
        else {
          const callee = functionOf(called, calledFile ?? (file as string), calledObject ?? object);
          const call: CallRecord = {
            caller: current.key,
            callee: callee.key,
            count: callCount,
            cost,
            line: position,
          };
          calls.push(call);
          current.outgoing.push(call);
          callee.incoming.push(call);
        }
        callCount = undefined;
        calledFile = undefined;
        calledObject = undefined;
        called = undefined;
        sawCalledFile = false;
      } else {
        current.self += cost;
        current.selfByLine.set(position, (current.selfByLine.get(position) ?? 0) + cost);
        const sums = current.selfEventsByLine.get(position) ?? events.map(() => 0);
        costs.forEach((c, k) => {
          sums[k] = (sums[k] ?? 0) + Number(c);
        });
        current.selfEventsByLine.set(position, sums);
        if (firstCostOfFunction) current.firstLine = position;
      }
      firstCostOfFunction = false;
      continue;
    }
    const eq = /^(ob|fl|fi|fe|fn|cob|cfi|cfl|cfn|calls)=(.*)$/.exec(line);
    if (eq) {
      const spec = eq[1] as string;
      const value = eq[2] as string;
      if (callCount !== undefined) errors.push(`line ${at}: ${spec}= between calls= and its cost`);
      switch (spec) {
        case 'ob':
          object = resolve('object', value, at);
          current = undefined;
          break;
        case 'fl':
          file = resolve('file', value, at);
          functionFile = file;
          break;
        case 'fi':
        case 'fe':
          if (!current) errors.push(`line ${at}: ${spec}= before any fn=`);
          file = resolve('file', value, at);
          break;
        case 'fn': {
          if (functionFile === undefined) errors.push(`line ${at}: fn= before any fl=`);
          file = functionFile ?? '';
          current = functionOf(resolve('function', value, at), file, object);
          if (!ordered.has(current.key)) {
            ordered.add(current.key);
            order.push(current.key);
          }
          firstCostOfFunction = true;
          break;
        }
        case 'cob':
          calledObject = resolve('object', value, at);
          break;
        case 'cfi':
        case 'cfl':
          calledFile = resolve('file', value, at);
          sawCalledFile = true;
          break;
        case 'cfn':
          if (!sawCalledFile) errors.push(`line ${at}: cfn= without cfi= before it`);
          called = resolve('function', value, at);
          break;
        case 'calls': {
          const match = /^(\d+)(\s+\S+)*$/.exec(value);
          if (!match) errors.push(`line ${at}: bad calls= line`);
          callCount = match ? Number(match[1]) : 0;
          if (callCount === 0) errors.push(`line ${at}: calls=0 (callgrind_annotate misreads it)`);
          break;
        }
      }
      continue;
    }
    const colon = /^([a-z]+):\s*(.*)$/.exec(line);
    if (colon && HEADER_KEYS.has(colon[1] as string)) {
      const key = colon[1] as string;
      const value = colon[2] as string;
      if (key === 'events') {
        if (events.length > 0) errors.push(`line ${at}: second events: line`);
        events = value.trim().split(/\s+/);
      } else if (key === 'summary') {
        if (events.length === 0) errors.push(`line ${at}: summary: before events:`);
        summaryEvents = value.trim().split(/\s+/).map(Number);
        summary = summaryEvents[0];
      } else if (key === 'totals') totals = Number(value.trim());
      else if (header.has(key) && key !== 'event' && key !== 'desc')
        errors.push(`line ${at}: ${key}: given twice`);
      header.set(key, value);
      continue;
    }
    errors.push(`line ${at}: not understood: ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (events.length === 0) errors.push('no events: line');
  if (callCount !== undefined) errors.push('file ends after calls=');
  return { header, events, summary, summaryEvents, totals, functions, order, calls, errors };
}

/** KCachegrind's inclusive cost of a function (cycle detection aside). */
export function inclusiveCost(parsed: ParsedCallgrind, key: string): number {
  const record = parsed.functions.get(key);
  if (!record) throw new Error(`no function ${key}`);
  const callers = record.incoming.filter((c) => c.caller !== key);
  if (callers.length > 0) return callers.reduce((sum, c) => sum + c.cost, 0);
  return record.outgoing
    .filter((c) => c.callee !== key)
    .reduce((sum, c) => sum + c.cost, record.self);
}

/** Keys of functions in a recursion cycle with another function (strongly connected). */
export function functionsInCycles(parsed: ParsedCallgrind): Set<string> {
  // Tarjan's algorithm, iterative.
  const keys = [...parsed.functions.keys()];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const inCycles = new Set<string>();
  let counter = 0;
  const successors = (key: string) =>
    [
      ...new Set((parsed.functions.get(key) as FunctionRecord).outgoing.map((c) => c.callee)),
    ].filter((k) => k !== key);
  for (const root of keys) {
    if (index.has(root)) continue;
    const work: Array<{ key: string; next: string[]; at: number }> = [];
    const open = (key: string) => {
      index.set(key, counter);
      low.set(key, counter);
      counter++;
      stack.push(key);
      onStack.add(key);
      work.push({ key, next: successors(key), at: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { key: string; next: string[]; at: number };
      if (frame.at < frame.next.length) {
        const next = frame.next[frame.at++] as string;
        if (!index.has(next)) open(next);
        else if (onStack.has(next))
          low.set(frame.key, Math.min(low.get(frame.key) as number, index.get(next) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.key, Math.min(low.get(parent.key) as number, low.get(frame.key) as number));
      if (low.get(frame.key) === index.get(frame.key)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.key);
        if (component.length > 1) for (const k of component) inCycles.add(k);
      }
    }
  }
  return inCycles;
}
