// Each hand-written dialect sample (fixtures/dialects, formats as the tools document them)
// read into the functions, parts and units it stands for, with and without app.py's
// source; the numbers are the samples' own, added up by hand.
import {
  functionFile,
  functionKind,
  functionName,
  type Profile,
  type ProfileSet,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { detectDialect } from '../src/dialect.js';
import { collapsed } from '../src/index.js';
import { fixtureText, readCollapsed, readFixture, sourcesIn, warningsOf } from './fixtures.js';

const needs = { lines: true, callTree: true };

function read(file: string, withSources = true): ProfileSet {
  return readCollapsed(readFixture(`dialects/${file}`), {
    needs,
    ...(withSources ? { sources: sourcesIn('dialects') } : {}),
  });
}

/** `name:line file kind self inclusive` per function, in order. */
function rows(profile: Profile): string[] {
  return Array.from(
    { length: profile.functions.length },
    (_, fn) =>
      `${functionName(profile, fn)}:${profile.functions.line[fn]} ${functionFile(profile, fn)} ${functionKind(profile, fn)} ${profile.functions.selfTime[fn]} ${profile.functions.inclusiveTime[fn]}`,
  );
}

const dialectOf = (file: string) =>
  detectDialect(
    fixtureText(`dialects/${file}`)
      .split('\n')
      .filter((l) => l.trim() !== ''),
  );

describe('dialect samples', () => {
  it.each([
    ['py-spy.txt', 'py-spy', 'likely'],
    ['py-spy-threads.txt', 'py-spy', 'certain'],
    ['py-spy-nolineno.txt', 'py-spy', 'likely'],
    ['cpython-sampling.txt', 'cpython', 'certain'],
    ['flameprof.log', 'flameprof', 'likely'],
    ['flamegraph.folded', 'folded', 'likely'],
    ['difffolded.folded', 'difffolded', 'likely'],
    ['austin2.austin', 'austin2', 'certain'],
    ['austin3.austin', 'austin3', 'certain'],
    ['austin1-full.austin', 'austin1', 'certain'],
  ])('%s is %s (%s)', (file, name, confidence) => {
    expect(dialectOf(file)).toMatchObject({ dialect: { name }, confidence });
    expect(collapsed.detect(readFixture(`dialects/${file}`))).toBe(confidence);
  });

  it('py-spy raw: samples, the two closures told apart by their source', () => {
    const profile = read('py-spy.txt').whole;
    expect(profile.metadata).toMatchObject({ producer: 'py-spy', costUnit: 'samples' });
    expect(rows(profile)).toEqual([
      '<module>:1 app.py python 0 79',
      'main:30 app.py python 1 79',
      'decorated:5 app.py python 0 73',
      'work:17 app.py python 73 73',
      'decorated:11 app.py python 0 5',
      'report:25 app.py python 5 5',
    ]);
    const lines = profile.lines as NonNullable<Profile['lines']>;
    expect([...lines.line]).toEqual([31, 21, 20, 27]);
    expect([...lines.hits]).toEqual([1, 61, 12, 5]);
  });

  it('py-spy raw without the source: one `decorated`, named in a warning', () => {
    const profile = read('py-spy.txt', false).whole;
    expect(rows(profile).filter((r) => r.startsWith('decorated'))).toEqual([
      'decorated:0 app.py python 0 78',
    ]);
    expect(warningsOf(profile)[0]?.message).toContain('decorated (app.py)');
  });

  it('py-spy threads and processes: one part per thread, named', () => {
    const set = read('py-spy-threads.txt');
    expect(set.parts.map((p) => [p.metadata.label, p.metadata.threadId])).toEqual([
      ['process 4242 thread 4242 (MainThread)', '4242'],
      ['process 4242 thread 4250 (Worker-1)', '4250'],
    ]);
    expect(set.whole.metadata.label).toBe('all threads');
    expect(rows(set.parts[1] as Profile)).toEqual([
      'run:0 threading.py python 0 24',
      'work:17 app.py python 24 24',
    ]);
  });

  it('py-spy --nolineno: no lines, so the two closures cannot be told apart', () => {
    const profile = read('py-spy-nolineno.txt').whole;
    expect(rows(profile)).toContain('decorated:0 app.py python 0 78');
    expect(profile.lines?.length).toBe(0);
    expect(warningsOf(profile).map((w) => w.code)).toEqual(['not-in-source']);
  });

  it('CPython sampling: tid parts, basename:func:line frames, <GC> and <native> as built-ins', () => {
    const set = read('cpython-sampling.txt');
    expect(set.parts.map((p) => p.metadata.threadId)).toEqual(['140234', '140301']);
    expect(rows(set.parts[0] as Profile)).toEqual([
      '<module>:1 app.py python 0 80',
      'main:30 app.py python 0 80',
      'decorated:5 app.py python 0 73',
      'work:17 app.py python 73 73',
      '<GC>:0 ~ builtin 2 2',
      'decorated:11 app.py python 0 5',
      'report:25 app.py python 5 5',
    ]);
    expect(rows(set.parts[1] as Profile)).toContain('<native>:0 ~ builtin 1 1');
  });

  it('flameprof: pstats keys with first lines, no line costs, microseconds', () => {
    const profile = read('flameprof.log').whole;
    expect(profile.metadata).toMatchObject({ producer: 'flameprof', costUnit: 'seconds' });
    expect(rows(profile)).toEqual([
      '<built-in method builtins.exec>:0 ~ builtin 0 0.007333',
      '<module>:1 app.py python 0 0.007333',
      'main:30 app.py python 0.000002 0.007333',
      'decorated:5 app.py python 0 0.007327',
      'work:17 app.py python 0.007315 0.007327',
      '<built-in method builtins.range>:0 ~ builtin 0.000012 0.000012',
      'decorated:11 app.py python 0 0.000004',
      'report:25 app.py python 0.000004 0.000004',
    ]);
    expect(profile.lines?.length ?? 0).toBe(0);
    // The sources are not needed: the frames name first lines already.
    expect(warningsOf(profile)).toEqual([]);
  });

  it('flamegraph.pl input: plain names, decimal counts kept', () => {
    const profile = read('flamegraph.folded').whole;
    expect(profile.metadata.producer).toBeUndefined();
    expect(rows(profile)).toContain('yyparse:0  python 2.5 2.5');
    expect(rows(profile)).toContain('main:0  python 1 26.5');
  });

  it('difffolded: the second count, with a warning', () => {
    const profile = read('difffolded.folded').whole;
    expect(rows(profile)).toEqual([
      'main:0  python 0 165',
      'parse:0  python 0 135',
      'tokenize:0  python 80 80',
      'build:0  python 55 55',
      'render:0  python 0 30',
      'write:0  python 30 30',
    ]);
    expect(warningsOf(profile).map((w) => w.code)).toEqual(['differential']);
  });

  it('austin 2: process and thread, idle samples under (no frames)', () => {
    const profile = read('austin2.austin').whole;
    expect(profile.metadata).toMatchObject({
      label: 'process 4317 thread 7f3a1cf0e740',
      costUnit: 'seconds',
    });
    expect(rows(profile)).toContain('(no frames):0  synthetic 0.001101 0.001101');
    expect(rows(profile)).toContain('work:17 app.py python 0.00204 0.00204');
  });

  it('austin 3: metadata header and footer, sub-interpreter thread ids, invalid samples', () => {
    const set = read('austin3.austin');
    expect(set.whole.metadata).toMatchObject({
      pythonVersion: '3.11.4',
      timeUnit: 'wall clock, microseconds between samples',
    });
    expect(set.whole.metadata.info).toContainEqual(['duration', '4338']);
    expect(set.parts.map((p) => p.metadata.threadId)).toEqual(['0:4317', '0:4330']);
    expect(rows(set.parts[0] as Profile)).toContain('(bad sample):0  synthetic 0.000095 0.000095');
  });

  it('austin 1 -f: the time of three numbers, a warning for the memory ones', () => {
    const profile = read('austin1-full.austin').whole;
    expect(rows(profile)).toContain('work:17 app.py python 0.007171 0.007171');
    expect(warningsOf(profile).map((w) => w.code)).toEqual(['memory-dropped']);
  });

  it('the weights option makes samples time and time samples', () => {
    const asTime = readCollapsed(readFixture('dialects/py-spy.txt'), {
      options: { weights: 'ms' },
    }).whole;
    expect(asTime.metadata).toMatchObject({
      costUnit: 'seconds',
      timeUnit: 'milliseconds (--weights ms)',
    });
    expect(asTime.functions.selfTime[3]).toBe(0.073);
    const asSamples = readCollapsed(readFixture('dialects/austin2.austin'), {
      options: { weights: 'samples' },
    }).whole;
    expect(asSamples.metadata.costUnit).toBe('samples');
    expect([...asSamples.functions.selfTime]).toContain(1101);
  });

  it('frame-lines first: py-spy --function lines are first lines, not line costs', () => {
    const profile = readCollapsed(readFixture('dialects/py-spy.txt'), {
      options: { 'frame-lines': 'first' },
      needs,
    }).whole;
    expect(rows(profile)).toContain('work:21 app.py python 61 61');
    expect(profile.lines?.length ?? 0).toBe(0);
  });
});
