// The writer's behaviour beyond the goldens: the terminal (width, colour), absent values,
// the Python 2/3 layouts, `profile`-module code-object keys, option errors, and streaming.
import {
  isProfileError,
  mergeProfileSets,
  ProfileBuilder,
  type ProfileSet,
  singleProfileSet,
  writeChunks,
  writeToBytes,
  writeToString,
} from '@pyprof/core';
import { canonicalProfiles } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { text } from '../src/index.js';
import { CODE_ADDRESS_PLACEHOLDER } from '../src/view.js';

const ESC = '\u001b[';

function render(
  set: ProfileSet,
  options: Record<string, unknown> = {},
  terminal?: { width: number; color: boolean },
): string {
  return writeToString(text, set, { options, ...(terminal ? { context: { terminal } } : {}) });
}

/** A `profile`-module dump's shape: code-object command key, count-only edges. */
function profileModuleSet(pythonMajor: 2 | 3, codeName = '<module>', extra?: string): ProfileSet {
  const b = new ProfileBuilder({ format: 'cprofile', producer: 'profile', pythonMajor });
  const profiler = b.addFunction('profile', 0, 'profiler', 'synthetic');
  const label = `<code object ${codeName}, file "/src/x.py", line 1>`;
  const command = b.addFunction('profile', 0, label, 'synthetic', {
    details: { codeObject: { file: '/src/x.py', line: 1, name: codeName } },
  });
  const script = b.addFunction('/src/x.py', 1, '<module>');
  const exec = b.addFunction('', 0, 'exec', 'builtin');
  if (extra !== undefined) b.addFunction('/src/x.py', 9, extra);
  b.addFunctionStats(command, {
    callCount: 1,
    primitiveCallCount: 1,
    selfTime: 0,
    inclusiveTime: 0.25,
  });
  b.addFunctionStats(exec, {
    callCount: 1,
    primitiveCallCount: 1,
    selfTime: 0.05,
    inclusiveTime: 0.25,
  });
  b.addFunctionStats(script, {
    callCount: 1,
    primitiveCallCount: 1,
    selfTime: 0.2,
    inclusiveTime: 0.2,
  });
  b.appendCall(profiler, command, 1, Number.NaN, Number.NaN, Number.NaN);
  b.appendCall(command, exec, 1, Number.NaN, Number.NaN, Number.NaN);
  b.appendCall(exec, script, 1, Number.NaN, Number.NaN, Number.NaN);
  return singleProfileSet(b.build());
}

describe('table style on a terminal', () => {
  const set = canonicalProfiles().unicodeSameNames as ProfileSet;

  it('fits the terminal width, keeping the end of each location', () => {
    const output = render(set, {}, { width: 76, color: false });
    for (const line of output.split('\n')) expect([...line].length).toBeLessThanOrEqual(76);
    expect(output).toMatch(/ decorated:46 +…[^\n]*mod ü\.py:46\n/);
  });

  it('leaves the location out where it cannot fit, never the unique name', () => {
    const output = render(set, {}, { width: 60, color: false });
    for (const line of output.split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
    expect(output).not.toContain('location');
    expect(output).toMatch(/ pkg_a\.util\.run\n/);
    expect(output).toMatch(/ decorated:46\n/);
  });

  it('--width overrides the terminal, 0 means no limit', () => {
    const wide = render(set, { width: 0 }, { width: 40, color: false });
    expect(wide).toContain('/src/naïve dir/mod ü.py:46');
    const narrow = render(set, { width: 70 });
    for (const line of narrow.split('\n')) expect([...line].length).toBeLessThanOrEqual(70);
  });

  it('colours only when the terminal asks for it', () => {
    expect(render(set, {}, { width: 120, color: true })).toContain(ESC);
    expect(render(set, {}, { width: 120, color: false })).not.toContain(ESC);
    expect(render(set)).not.toContain(ESC);
    expect(render(set, { report: 'callers' }, { width: 120, color: true })).toContain(`${ESC}1m`);
  });

  it('writes file-name bytes that are not UTF-8 as they are, like the pstats style', () => {
    const warnings: string[] = [];
    const bytes = writeToBytes(text, set, { context: { warn: (d) => warnings.push(d.code) } });
    // The path's bytes are E9 74 C3 A9: the escaped byte E9 goes out raw, é as UTF-8.
    expect(
      Buffer.from(bytes).includes(
        Buffer.from([0x2f, 0xe9, 0x74, 0xc3, 0xa9, 0x2e, 0x70, 0x79, 0x3a, 0x32]),
      ),
    ).toBe(true);
    expect(warnings).toEqual([]);
    const pstats = render(set, { style: 'pstats' });
    expect(pstats).toContain('/src/app/\udce9t\u00e9.py:2(latin)');
  });

  it('refuses an invalid pattern instead of printing a note', () => {
    expect(() => render(set, { limit: ['('] })).toThrow(/invalid regular expression/);
    try {
      render(set, { limit: ['('] });
    } catch (error) {
      expect(isProfileError(error) && error.code).toBe('INVALID_OPTION');
    }
  });

  it('applies limits in order and says how many rows are shown', () => {
    const output = render(set, { limit: ['run|setup', '3'] });
    expect(output).toContain('3 of 9 functions shown');
    expect(output.match(/^\s+1\s/gm)).toHaveLength(3);
  });
});

describe('absent values', () => {
  it('print as - in the table and as nan in the pstats style', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('/a.py', 1, 'f');
    const g = b.addFunction('/a.py', 5, 'g');
    b.addFunctionStats(f, {
      callCount: 2,
      primitiveCallCount: 2,
      selfTime: Number.NaN,
      inclusiveTime: Number.NaN,
    });
    b.addFunctionStats(g, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: 0.5,
      inclusiveTime: 0.5,
    });
    b.appendCall(f, g, 1, Number.NaN, Number.NaN, Number.NaN);
    const set = singleProfileSet(b.build());
    const table = render(set, { report: 'callees' });
    expect(table).toMatch(/^\s+2\s+-\s+-\s+-\s+-\s+f\s+\/a\.py:1$/m);
    expect(table).toMatch(/^\s+1\s+-\s+-\s+-> g\s+\/a\.py:5$/m);
    const pstats = render(set, { style: 'pstats', sort: ['stdname'] });
    expect(pstats).toContain('        2      nan      nan      nan      nan /a.py:1(f)\n');
    expect(pstats).toContain('in 0.500 seconds');
  });
});

describe('Python 2 and 3 layouts', () => {
  it('follows the profile, or --python', () => {
    const py2 = profileModuleSet(2);
    const callers2 = render(py2, { style: 'pstats', report: 'callers', sort: ['stdname'] });
    expect(callers2).toMatch(/^profile:0\(profiler\) +<-\n/m);
    const callers3 = render(py2, {
      style: 'pstats',
      report: 'callers',
      sort: ['stdname'],
      python: '3',
    });
    expect(callers3).toMatch(/^profile:0\(profiler\) +<- \n/m);
    expect(render(profileModuleSet(3), { style: 'pstats', report: 'callers' })).toMatch(/<- \n/);
  });

  it('prints the code-object key as pstats does, with a placeholder address', () => {
    const output = render(profileModuleSet(3), {
      style: 'pstats',
      report: 'callers',
      sort: ['cumulative'],
    });
    const key = `profile:0(<code object <module> at ${CODE_ADDRESS_PLACEHOLDER}, file "/src/x.py", line 1>)`;
    expect(output).toContain(`${key}  <- profile:0(profiler)(1)    0.000\n`);
    expect(output).toContain(`:0(exec)${' '.repeat(key.length - 6)}<- ${key}(1)    0.250\n`);
    expect(output).not.toContain('    ncalls  tottime  cumtime');
  });

  it('cuts the code name to 100 bytes in Python 2 only', () => {
    const long = `f${'é'.repeat(60)}`;
    const cut = `f${'é'.repeat(49)}\udcc3`; // 100 bytes end inside the 50th é
    const py2 = render(profileModuleSet(2, long), { style: 'pstats', sort: ['time'] });
    expect(py2).toContain(`<code object ${cut} at`);
    const py3 = render(profileModuleSet(3, long), { style: 'pstats', sort: ['time'] });
    expect(py3).toContain(`<code object ${long} at`);
  });

  it('sorts a code-object name before every string in Python 2 (by type name), by label in 3', () => {
    const names = (set: ProfileSet) =>
      render(set, { style: 'pstats', sort: ['name', 'stdname'] })
        .split('\n')
        .filter((line) => /^ {8}\d/.test(line))
        .map((line) => line.slice(46));
    const code = `profile:0(<code object <module> at ${CODE_ADDRESS_PLACEHOLDER}, file "/src/x.py", line 1>)`;
    const rest = ['/src/x.py:1(<module>)', ':0(exec)', 'profile:0(profiler)'];
    // '(' sorts before '<code object …' as a string, but Python 2 puts a code object first.
    expect(names(profileModuleSet(2, '<module>', '(anonymous)'))).toEqual([
      code,
      '/src/x.py:9((anonymous))',
      ...rest,
    ]);
    expect(names(profileModuleSet(3, '<module>', '(anonymous)'))).toEqual([
      '/src/x.py:9((anonymous))',
      code,
      ...rest,
    ]);
  });
});

describe('header and errors', () => {
  it('names the input in the pstats header line, as pstats names the file', () => {
    const set = canonicalProfiles().single as ProfileSet;
    const output = writeToString(text, set, {
      options: { style: 'pstats' },
      context: { inputName: 'run.prof' },
    });
    expect(output.startsWith('run.prof\n\n         1 function calls in 0.500 seconds\n\n')).toBe(
      true,
    );
    expect(render(set, { style: 'pstats' }).startsWith('         1 function calls')).toBe(true);
  });

  it('names merged inputs in the order pstats.Stats(a, b, c) lists its files: a, c, b', () => {
    const named = (name: string) => {
      const b = new ProfileBuilder({ format: 'cprofile', sourceName: name });
      b.addFunctionStats(b.addFunction('/src/x.py', 1, name), { callCount: 1 });
      return singleProfileSet(b.build());
    };
    const set = mergeProfileSets([named('a.prof'), named('b.prof'), named('c.prof')], {
      order: 'pstats',
    });
    expect(render(set, { style: 'pstats' }).startsWith('a.prof\nc.prof\nb.prof\n\n')).toBe(true);
  });

  it('refuses unknown and ambiguous sort keys with INVALID_OPTION', () => {
    const set = canonicalProfiles().single as ProfileSet;
    for (const sort of [['cum'], ['c'], ['bogus']]) {
      expect(() => render(set, { sort })).toThrow(/sort/);
    }
  });
});

describe('streaming', () => {
  it('hands out a large report in several chunks, lazily', () => {
    const b = new ProfileBuilder({ format: 'test' });
    for (let i = 0; i < 5000; i++) {
      const fn = b.addFunction(`/pkg/module${i % 50}.py`, i, `function_${i}`);
      b.addFunctionStats(fn, {
        callCount: i + 1,
        primitiveCallCount: i + 1,
        selfTime: i * 1e-6,
        inclusiveTime: i * 2e-6,
      });
    }
    const set = singleProfileSet(b.build());
    const chunks = writeChunks(text, set, { options: { style: 'pstats', sort: ['time'] } });
    const first = chunks.next();
    expect(first.done).toBe(false);
    const rest = [...chunks];
    expect(rest.length).toBeGreaterThan(1);
    const whole = [first.value, ...rest].join('');
    expect(whole).toBe(render(set, { style: 'pstats', sort: ['time'] }));
    expect(whole.split('\n').filter((line) => line.includes('function_'))).toHaveLength(5000);
  }, 30_000);
});
