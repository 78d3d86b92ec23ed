// The writer's own rules, on small hand-built profiles: name compression and order of
// specs, safe names, call sites and line costs, count-only estimates, units, warnings,
// chunked output.
import {
  decodeText,
  ProfileBuilder,
  type ProfileSet,
  singleProfileSet,
  writeChunks,
  writeToBytes,
  writeToString,
} from '@pyprof/core';
import { parseCallgrind } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { callgrind } from '../src/index.js';

function write(set: ProfileSet, options: Record<string, unknown> = {}) {
  const warnings: Array<{ code: string }> = [];
  const text = writeToString(callgrind, set, {
    options,
    context: { producer: 'pyprof@1.2.3', warn: (d) => warnings.push(d) },
  });
  return { text, warnings, parsed: parseCallgrind(text) };
}

const timed = (count: number, inclusive: number) => ({
  callCount: count,
  primitiveCallCount: count,
  selfTime: 0,
  inclusiveTime: inclusive,
});

function twoFiles(): ProfileSet {
  const b = new ProfileBuilder({ format: 'test', command: 'python app.py --x' });
  const main = b.addFunction('/p/app.py', 10, 'main');
  const helper = b.addFunction('/p/lib.py', 3, 'helper');
  const other = b.addFunction('/p/app.py', 20, 'other');
  b.addFunctionStats(main, { callCount: 1, selfTime: 0.001, inclusiveTime: 0.004 });
  b.addFunctionStats(helper, { callCount: 3, selfTime: 0.002, inclusiveTime: 0.002 });
  b.addFunctionStats(other, { callCount: 1, selfTime: 0.0005, inclusiveTime: 0.001 });
  b.addCall(main, helper, timed(2, 0.0015));
  b.addCall(main, other, timed(1, 0.001));
  b.addCall(other, helper, timed(1, 0.0005));
  return singleProfileSet(b.build());
}

describe('callgrind writer', () => {
  it('writes the header: format line, version, creator, cmd, positions, event, summary', () => {
    const { text, parsed } = write(twoFiles());
    expect(text.split('\n').slice(0, 9)).toEqual([
      '# callgrind format',
      'version: 1',
      'creator: pyprof@1.2.3',
      'cmd: python app.py --x',
      'desc: Profile: test',
      'positions: line',
      'event: ns : Time (ns)',
      'events: ns',
      'summary: 3500000',
    ]);
    expect(parsed.totals).toBe(3_500_000);
    expect(text.endsWith('totals: 3500000\n')).toBe(true);
  });

  it('defines each file and function id once, fl= before fn=, cfi= before every cfn=', () => {
    const { text, parsed } = write(twoFiles());
    expect(parsed.errors).toEqual([]);
    const lines = text.split('\n');
    const definitions = lines.filter((l) => /^(fl|cfi|fn|cfn)=\(\d+\) /.test(l));
    const ids = definitions.map(
      (l) =>
        `${l.startsWith('fl') || l.startsWith('cfi') ? 'file' : 'fn'}${/\((\d+)\)/.exec(l)?.[1]}`,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(definitions).toEqual([
      'fl=(1) (profiler)',
      'fn=(4) (profiler)',
      'cfi=(2) /p/app.py',
      'cfn=(1) main',
      'cfi=(3) /p/lib.py',
      'cfn=(2) helper',
      'cfn=(3) other',
    ]);
    lines.forEach((line, k) => {
      if (line.startsWith('cfn=')) expect(lines[k - 1]).toMatch(/^cfi=/);
      if (line.startsWith('calls=')) expect(lines[k - 1]).toMatch(/^cfn=/);
    });
    // helper lives in another file: its block switches fl= and back.
    expect(lines.indexOf('fl=(3)')).toBe(lines.indexOf('fn=(2)') - 1);
    expect(lines.lastIndexOf('fl=(2)')).toBe(lines.indexOf('fn=(3)') - 1);
    expect(text.includes('\r')).toBe(false);
  });

  it('writes call lines as calls=<count> <target line> then <call site> <inclusive cost>', () => {
    const { text, parsed } = write(twoFiles());
    expect(text).toContain('cfn=(2) helper\ncalls=2 3\n* 1500000\n');
    const helper = parsed.functions.get('helperlib.py');
    expect(helper?.incoming.map((c) => [c.caller, c.count, c.cost, c.line])).toEqual([
      ['mainapp.py', 2, 1_500_000, 10],
      ['otherapp.py', 1, 500_000, 20],
    ]);
  });

  it('makes names safe: no line breaks, no leading "(digit", no "???", trimmed', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const names = ['two\nlines', '(1)x', '???', '  padded ', '', 'cr\rname'];
    names.forEach((name, k) => {
      const fn = b.addFunction(`/p/f${k}.py`, k + 1, name);
      b.addFunctionStats(fn, { callCount: 1, selfTime: 0.001, inclusiveTime: 0.001 });
    });
    const weird = b.addFunction('/p/new\nline.py', 1, 'f');
    b.addFunctionStats(weird, { callCount: 1, selfTime: 0.001, inclusiveTime: 0.001 });
    const { text, parsed } = write(singleProfileSet(b.build()));
    expect(parsed.errors).toEqual([]);
    expect(text.includes('\r')).toBe(false);
    expect([...parsed.functions.values()].map((r) => r.name).sort()).toEqual(
      [
        '(1)x',
        '(???)',
        '(no name)',
        '(profiler)',
        'cr\\rname',
        'f',
        'padded',
        'two\\nlines',
      ].sort(),
    );
    expect(parsed.functions.get('fnew\\nline.py')?.file).toBe('/p/new\\nline.py');
  });

  it('puts the calls nobody recorded on one (profiler) root with zero self cost', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const exec = b.addFunction('~', 0, '<built-in method builtins.exec>', 'builtin');
    const module = b.addFunction('/p/a.py', 1, '<module>');
    const disable = b.addFunction(
      '~',
      0,
      "<method 'disable' of '_lsprof.Profiler' objects>",
      'builtin',
    );
    b.addFunctionStats(exec, { callCount: 1, selfTime: 0.001, inclusiveTime: 0.003 });
    b.addFunctionStats(module, { callCount: 1, selfTime: 0.002, inclusiveTime: 0.002 });
    b.addFunctionStats(disable, { callCount: 1, selfTime: 0.0001, inclusiveTime: 0.0001 });
    b.addCall(exec, module, timed(1, 0.002));
    const { text, parsed } = write(singleProfileSet(b.build()));
    expect(text).toContain('fl=(1) (profiler)\nfn=(4) (profiler)\n0 0\n');
    const profiler = parsed.functions.get('(profiler)(profiler)');
    expect(profiler?.self).toBe(0);
    expect(profiler?.outgoing.map((c) => [c.callee, c.count, c.cost])).toEqual([
      ['<built-in method builtins.exec>~', 1, 3_000_000],
      ["<method 'disable' of '_lsprof.Profiler' objects>~", 1, 100_000],
    ]);
    expect(parsed.summary).toBe(3_100_000);
  });

  it('writes a self-recursive arc with its count and cost', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const main = b.addFunction('/p/m.py', 1, 'main');
    const fib = b.addFunction('/p/m.py', 5, 'fib');
    b.addFunctionStats(main, { callCount: 1, selfTime: 0, inclusiveTime: 0.01 });
    b.addFunctionStats(fib, { callCount: 25, selfTime: 0.01, inclusiveTime: 0.01 });
    b.addCall(main, fib, timed(1, 0.01));
    b.addCall(fib, fib, {
      callCount: 24,
      primitiveCallCount: 2,
      selfTime: 0.0096,
      inclusiveTime: 0.009,
    });
    const { parsed } = write(singleProfileSet(b.build()));
    const self = parsed.calls.find((c) => c.caller === 'fibm.py' && c.callee === 'fibm.py');
    expect([self?.count, self?.cost]).toEqual([24, 9_000_000]);
    expect(parsed.functions.has('(profiler)(profiler)')).toBe(true);
  });

  it('estimates call costs from call counts when the profile has none, and says so', () => {
    const b = new ProfileBuilder({ format: 'test', producer: 'profile' });
    const left = b.addFunction('/p/a.py', 1, 'left');
    const right = b.addFunction('/p/a.py', 5, 'right');
    const shared = b.addFunction('/p/a.py', 9, 'shared');
    b.addFunctionStats(shared, { callCount: 3, selfTime: 0.003, inclusiveTime: 0.003 });
    const absent = {
      primitiveCallCount: Number.NaN,
      selfTime: Number.NaN,
      inclusiveTime: Number.NaN,
    };
    b.addCall(left, shared, { callCount: 1, ...absent });
    b.addCall(right, shared, { callCount: 2, ...absent });
    const { text, parsed, warnings } = write(singleProfileSet(b.build()));
    expect(text).toMatch(/^# Call costs are ESTIMATED from call-count shares/m);
    expect(warnings.map((w) => w.code)).toEqual(['estimated-call-costs']);
    expect(parsed.functions.get('shareda.py')?.incoming.map((c) => c.cost)).toEqual([
      1_000_000, 2_000_000,
    ]);
  });

  it('writes calls at their real call-site lines where the profile has them', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const main = b.addFunction('/p/m.py', 10, 'main');
    const g = b.addFunction('/p/m.py', 30, 'g');
    b.addFunctionStats(main, { callCount: 1, selfTime: 0.001, inclusiveTime: 0.004 });
    b.addFunctionStats(g, { callCount: 4, selfTime: 0.003, inclusiveTime: 0.003 });
    const edge = b.addCall(main, g, timed(4, 0.003));
    // 2 calls from line 12 (0.002 s), 1 from line 15 (0.0005 s), 1 not located.
    b.setCallSites({
      length: 2,
      call: Uint32Array.of(edge, edge),
      line: Int32Array.of(15, 12),
      callCount: Float64Array.of(1, 2),
      inclusiveTime: Float64Array.of(0.0005, 0.002),
    });
    const { text, parsed } = write(singleProfileSet(b.build()));
    expect(parsed.errors).toEqual([]);
    expect(text).toContain(
      'cfn=(2) g\ncalls=1 30\n* 500000\ncfi=(2)\ncfn=(2)\ncalls=2 30\n12 2000000\ncfi=(2)\ncfn=(2)\ncalls=1 30\n15 500000\n',
    );
    const arcs = parsed.functions.get('gm.py')?.incoming ?? [];
    expect(arcs.map((c) => [c.line, c.count, c.cost])).toEqual([
      [10, 1, 500_000],
      [12, 2, 2_000_000],
      [15, 1, 500_000],
    ]);
    expect(arcs.reduce((sum, c) => sum + c.cost, 0)).toBe(3_000_000);
  });

  it('writes line-level self costs where the profile has line timings', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('/p/m.py', 3, 'f');
    b.addFunctionStats(f, { callCount: 1, selfTime: 0.4, inclusiveTime: 0.4 });
    b.setLines({
      length: 2,
      function: Uint32Array.of(f, f),
      line: Int32Array.of(5, 4),
      selfTime: Float64Array.of(0.2, 0.1),
      hits: Float64Array.of(3, 1),
    });
    const { text, parsed } = write(singleProfileSet(b.build()));
    // The 0.1 s the lines do not account for stays on the def line.
    expect(text).toContain('fn=(1)\n3 100000000\n4 100000000\n5 200000000\n');
    expect([...(parsed.functions.get('fm.py')?.selfByLine ?? [])]).toEqual([
      [3, 100_000_000],
      [4, 100_000_000],
      [5, 200_000_000],
    ]);
  });

  it('writes measured hits as a second event, on every cost line (line_profiler)', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('/p/lp.py', 3, 'lp');
    const g = b.addFunction('/p/lp.py', 9, 'never');
    b.addFunctionStats(f, { callCount: Number.NaN, selfTime: 0.3, inclusiveTime: 0.3 });
    b.addFunctionStats(g, { callCount: Number.NaN, selfTime: 0, inclusiveTime: 0 });
    b.setLines({
      length: 2,
      function: Uint32Array.of(f, f),
      line: Int32Array.of(5, 4),
      selfTime: Float64Array.of(0.2, 0.1),
      hits: Float64Array.of(3, 1),
      hitsMeasured: true,
    });
    const { text, parsed } = write(singleProfileSet(b.build()));
    expect(text).toContain('event: ns : Time (ns)\nevent: hits : Hits (times the line ran)\n');
    expect(text).toContain('events: ns hits\nsummary: 300000000 4\n');
    // No caller is made up for functions the profile records none for.
    expect(text).not.toContain('(profiler)');
    expect(text).toContain('fn=(1) lp\n4 100000000 1\n5 200000000 3\n');
    expect(text).toContain('fn=(2) never\n9 0 0\n');
    expect(text.endsWith('totals: 300000000 4\n')).toBe(true);
    expect(parsed.errors).toEqual([]);
    expect(parsed.summaryEvents).toEqual([300_000_000, 4]);
    expect([...(parsed.functions.get('lplp.py')?.selfEventsByLine ?? [])]).toEqual([
      [4, [100_000_000, 1]],
      [5, [200_000_000, 3]],
    ]);
  });

  it('leaves hits that are a by-product of line events (hotshot) out', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('/p/h.py', 3, 'h');
    b.addFunctionStats(f, { callCount: 1, selfTime: 0.3, inclusiveTime: 0.3 });
    b.setLines({
      length: 1,
      function: Uint32Array.of(f),
      line: Int32Array.of(4),
      selfTime: Float64Array.of(0.3),
      hits: Float64Array.of(7),
    });
    const { text } = write(singleProfileSet(b.build()));
    expect(text).toContain('events: ns\nsummary: 300000000\n');
    expect(text).toContain('fn=(1)\n4 300000000\n');
  });

  it('rounds so that the self costs add up to the rounded total', () => {
    const b = new ProfileBuilder({ format: 'test' });
    for (let k = 0; k < 1000; k++) {
      const fn = b.addFunction('/p/m.py', k, `f${k}`);
      b.addFunctionStats(fn, { callCount: 1, selfTime: 0.4e-9, inclusiveTime: 0.4e-9 });
    }
    const { parsed } = write(singleProfileSet(b.build()));
    const costs = [...parsed.functions.values()].map((r) => r.self);
    expect(costs.reduce((a, c) => a + c, 0)).toBe(400);
    expect(parsed.summary).toBe(400);
    expect(costs.every((c) => c === 0 || c === 1)).toBe(true);
  });

  it('writes microseconds or milliseconds on request', () => {
    const us = write(twoFiles(), { unit: 'us' });
    expect(us.text).toContain('event: us : Time (us)\nevents: us\nsummary: 3500\n');
    const ms = write(twoFiles(), { unit: 'ms' });
    expect(ms.text).toContain('event: ms : Time (ms)\nevents: ms\nsummary: 4\n');
    expect([...ms.parsed.functions.values()].reduce((a, r) => a + r.self, 0)).toBe(4);
  });

  it('writes negative times as 0 with a warning, and never calls=0', () => {
    const b = new ProfileBuilder({ format: 'test', producer: 'profile' });
    const a = b.addFunction('/p/m.py', 1, 'a');
    const c = b.addFunction('/p/m.py', 5, 'c');
    b.addFunctionStats(a, { callCount: 1, selfTime: -0.001, inclusiveTime: 0.001 });
    b.addCall(a, c, { callCount: 0, primitiveCallCount: 0, selfTime: 0, inclusiveTime: 0 });
    const { text, parsed, warnings } = write(singleProfileSet(b.build()));
    expect(parsed.errors).toEqual([]);
    expect(text).not.toContain('calls=0');
    expect(parsed.functions.get('am.py')?.self).toBe(0);
    expect(warnings.map((w) => w.code)).toEqual(['negative-time']);
  });

  it('streams: a big profile comes in byte chunks of about 64 KiB', { timeout: 60_000 }, () => {
    const b = new ProfileBuilder({ format: 'test' });
    let previous = -1;
    for (let k = 0; k < 20_000; k++) {
      const fn = b.addFunction(`/p/m${k % 50}.py`, k, `f${k}`);
      b.addFunctionStats(fn, { callCount: 1, selfTime: 1e-6, inclusiveTime: 2e-6 });
      if (previous >= 0) b.addCall(previous, fn, timed(1, 2e-6));
      previous = fn;
    }
    const set = singleProfileSet(b.build());
    const chunks = [...writeChunks(callgrind, set)] as Uint8Array[];
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk).toBeInstanceOf(Uint8Array);
      expect(chunk.length).toBeGreaterThanOrEqual(1 << 16);
      expect(chunk.length).toBeLessThan((1 << 16) + 4096);
    }
    const joined = new TextDecoder().decode(Buffer.concat(chunks));
    expect(joined).toBe(writeToString(callgrind, set));
    expect(parseCallgrind(joined).functions.size).toBe(20_001);
  });

  it('writes the bytes of a non-UTF-8 file name back as those bytes', () => {
    const b = new ProfileBuilder({ format: 'test' });
    // The byte 0xE9 of a Latin-1 file name, escaped as U+DCE9 by the reader.
    const fn = b.addFunction('/p/latin\udce9.py', 1, 'f');
    b.addFunctionStats(fn, { callCount: 1, selfTime: 0.001, inclusiveTime: 0.001 });
    const bytes = writeToBytes(callgrind, singleProfileSet(b.build()));
    const name = Buffer.from('/p/latin\xe9.py', 'latin1');
    expect(Buffer.from(bytes).includes(name)).toBe(true);
    expect(decodeText(bytes)).toContain('cfi=(2) /p/latin\udce9.py\n');
  });
});
