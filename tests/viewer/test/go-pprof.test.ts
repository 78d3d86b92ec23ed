// Issue 20, checked with the real `go tool pprof` (Debian golang-go; .ci/run installs it):
// for every corpus pstats, hotshot and lsprof file, `-top -nodecount=0 -nodefraction=0
// -unit=ns` lists every function with own time exactly once, flat = own time and the
// total = the profile's within 1 ns, and Go's flat and cum equal what the Node reading of
// the same file gives (whose cum the integration tests hold against pstats' ct); hotshot's
// `-traces` is the exact call tree, with its call counts on `-sample_index=calls`;
// `-tagfocus` on a thread label selects that thread of a multi-thread lsprof profile; and
// `<lambda>` and `<module>` keep their names.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Profile, ProfileBuilder, singleProfileSet, writeToBytes } from '@pyprof/core';
import { pprof } from '@pyprof/output-pprof';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkFlat,
  convertCorpusFile,
  matchNames,
  pprofCorpus,
  readPprof,
} from '../../integration/test/pprof-support.js';
import { goPprofIn, ns, parseTop } from './go-pprof.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-go-pprof-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const goPprof = goPprofIn(folder);

/** Parses `-traces` output: each sample's value and stack (names, leaf first). */
function parseTraces(output: string): Array<{ value: number; stack: string[] }> {
  const blocks = output.split(/^-{11}\+-+$/m).slice(1);
  const traces: Array<{ value: number; stack: string[] }> = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) continue;
    const first = /^\s*(\d+(?:ns)?|0)\s{3}(.*)$/.exec(lines[0] as string);
    if (!first) throw new Error(`unexpected trace line: ${lines[0]}`);
    const stack = [first[2] as string, ...lines.slice(1).map((line) => line.trim())];
    traces.push({ value: ns(first[1] as string), stack });
  }
  return traces;
}

describe('go tool pprof reads the pprof output of every corpus pstats, hotshot and lsprof file', () => {
  const corpus = pprofCorpus();

  it('covers the corpus', () => {
    expect(corpus.length).toBe(84 + 28 + 23);
  });

  for (const [index, { entry, kind }] of corpus.entries()) {
    it(entry.file, () => {
      const c = convertCorpusFile(entry, kind);
      const path = join(folder, `${index}.pb.gz`);
      writeFileSync(path, c.bytes);
      const top = parseTop(goPprof(path, '-top', '-nodecount=0', '-nodefraction=0', '-unit=ns'));
      expect(new Set(top.names).size, 'each name listed once').toBe(top.names.length);
      checkFlat(c, top.flat, top.total);
      // Go's sums are the Node reading's, name for name (flat and cum; Go leaves out names
      // whose samples all have 0 ns: hotshot stacks entered with no time of their own).
      expect(top.total).toBe(c.reading.total);
      for (const [name, value] of c.reading.flat) expect(top.flat.get(name) ?? 0, name).toBe(value);
      for (const [name, value] of c.reading.cum) expect(top.cum.get(name) ?? 0, name).toBe(value);

      if (kind === 'hotshot') {
        // -traces: exactly the exact call tree's stacks with their own time, and on
        // -sample_index=calls their call counts.
        const whole = c.set.whole;
        const tree = whole.callTree;
        if (!tree) throw new Error('the reader kept no call tree');
        const names = matchNames(whole, c.reading, true);
        const nameOf = (fn: number) => names.get(fn) ?? `?${fn}`;
        const expected: Array<{ stack: string; time: number; calls: number }> = [];
        const paths: string[][] = [];
        for (let v = 0; v < tree.length; v++) {
          const parent = tree.parent[v] as number;
          const path = [
            nameOf(tree.function[v] as number),
            ...(parent >= 0 ? (paths[parent] as string[]) : []),
          ];
          paths.push(path);
          const time = tree.selfTime[v] as number;
          const calls = tree.callCount[v] as number;
          if (time > 0 || calls > 0)
            expected.push({ stack: path.join(';'), time: time * 1e9, calls });
        }
        const traces = parseTraces(goPprof(path, '-traces', '-unit=ns'));
        const calls = parseTraces(goPprof(path, '-traces', '-sample_index=calls'));
        expect(traces.length).toBe(expected.length);
        const byStack = new Map(
          traces.map((t, k) => [t.stack.join(';'), { time: t.value, calls: calls[k]?.value }]),
        );
        expect(byStack.size).toBe(expected.length);
        for (const e of expected) {
          const got = byStack.get(e.stack);
          expect(got, e.stack).toBeDefined();
          expect(Math.abs((got?.time as number) - e.time), e.stack).toBeLessThanOrEqual(1);
          expect(got?.calls, e.stack).toBe(e.calls);
        }
      }
    });
  }
});

describe('threads', () => {
  it('-tagfocus on a thread label selects that thread of a multi-thread lsprof profile', () => {
    const entry = pprofCorpus().find(
      (e) => e.entry.file === 'lsprof/raw/py311-breezy/threads.lsprof.pickle',
    );
    if (!entry) throw new Error('fixture missing');
    const c = convertCorpusFile(entry.entry, entry.kind);
    expect(c.set.parts.length).toBe(3);
    const path = join(folder, 'threads.pb.gz');
    writeFileSync(path, c.bytes);
    const tags = goPprof(path, '-tags');
    for (const part of c.set.parts) {
      const label = part.metadata.label as string;
      expect(tags).toContain(label);
      const top = parseTop(
        goPprof(
          path,
          '-top',
          '-nodecount=0',
          '-nodefraction=0',
          '-unit=ns',
          `-tagfocus=thread name=^${label}$`,
        ),
      );
      let own = 0;
      for (let fn = 0; fn < part.functions.length; fn++) {
        const self = part.functions.selfTime[fn] as number;
        if (self > 0) own += self;
      }
      let shown = 0;
      for (const value of top.flat.values()) shown += value;
      // The part's own time, within 1 ns per function (each function rounds once).
      expect(Math.abs(shown - own * 1e9), label).toBeLessThanOrEqual(part.functions.length);
      if (part.metadata.threadId !== undefined) {
        const byId = parseTop(
          goPprof(
            path,
            '-top',
            '-nodecount=0',
            '-nodefraction=0',
            '-unit=ns',
            `-tagfocus=thread id=${part.metadata.threadId}`,
          ),
        );
        expect([...byId.flat.values()].reduce((a, b) => a + b, 0)).toBe(shown);
      }
    }
  });
});

/** A profile with a `<module>` calling one `<lambda>` (names Go would demangle). */
function lambdaProfile(): Profile {
  const b = new ProfileBuilder({ format: 'test', producer: 'cProfile', clock: 'wall' });
  const module = b.addFunction('app.py', 1, '<module>');
  const lambda = b.addFunction('app.py', 3, '<lambda>');
  b.addFunctionStats(module, {
    callCount: 1,
    primitiveCallCount: 1,
    selfTime: 0.25,
    inclusiveTime: 1,
  });
  b.addFunctionStats(lambda, {
    callCount: 2,
    primitiveCallCount: 2,
    selfTime: 0.75,
    inclusiveTime: 0.75,
  });
  b.addCall(module, lambda, {
    callCount: 2,
    primitiveCallCount: 2,
    selfTime: 0.75,
    inclusiveTime: 0.75,
  });
  return b.build();
}

describe('names Go would demangle', () => {
  it('<lambda> and <module> keep their names in go tool pprof', () => {
    const path = join(folder, 'lambda.pb.gz');
    const bytes = writeToBytes(pprof, singleProfileSet(lambdaProfile()));
    writeFileSync(path, bytes);
    const top = parseTop(goPprof(path, '-top', '-nodecount=0', '-nodefraction=0', '-unit=ns'));
    expect(top.flat.get('<lambda>')).toBe(750_000_000);
    expect(top.flat.get('<module>')).toBe(250_000_000);
    expect(top.cum.get('<module>')).toBe(1_000_000_000);
    expect(top.names).not.toContain('<unknown>');
    expect(readPprof(bytes).functions.every((f) => f.systemName === '')).toBe(true);
  });
});
