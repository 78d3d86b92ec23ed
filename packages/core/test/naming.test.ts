// The naming service: names unique under the consumer's identity rule (KCachegrind's
// name ‖ basename(file) by default) for adversarial inputs — equal names in one file, in
// equal basenames, in `__init__.py` files, names that concatenate alike with their file
// (`ab` in `c.py` against `a` in `bc.py`), Windows paths, names starting `(` + digit,
// control characters — deterministic, and short wherever that is unambiguous.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fileBasenameSuffix,
  kcachegrindKey,
  type Profile,
  ProfileBuilder,
  sanitizeName,
  uniqueFunctionNames,
} from '../src/index.js';
import { kcachegrindBasename } from '../src/naming.js';

type Fn = [file: string, line: number, name: string, kind?: 'python' | 'builtin'];

function profileOf(fns: readonly Fn[]): Profile {
  const b = new ProfileBuilder({ format: 'test' });
  for (const [file, line, name, kind] of fns) b.addFunction(file, line, name, kind ?? 'python');
  return b.build();
}

const key = (profile: Profile) => (name: string, fn: number) =>
  kcachegrindKey(name, profile.strings[profile.functions.file[fn] as number] as string);

function namesOf(fns: readonly Fn[], options = {}) {
  const profile = profileOf(fns);
  return { profile, names: uniqueFunctionNames(profile, options) };
}

/** The functions this project exists for: same names in one file, in equal basenames. */
const REASON: readonly Fn[] = [
  ['/p/decorators.py', 31, 'decorated'],
  ['/p/decorators.py', 46, 'decorated'],
  ['/p/pkg_a/util.py', 9, 'run'],
  ['/p/pkg_b/util.py', 6, 'run'],
  ['/p/pkg_b/inner/util.py', 5, 'run'],
  ['/p/pkg_a/__init__.py', 7, 'setup'],
  ['/p/pkg_b/__init__.py', 7, 'setup'],
  ['/p/main.py', 30, 'main'],
];

const FILES = [
  '/src/pkg_a/util.py',
  '/src/pkg_b/util.py',
  '/src/pkg_b/inner/util.py',
  '/src/pkg_a/__init__.py',
  '/src/pkg_b/__init__.py',
  'c.py',
  'bc.py',
  'C:\\proj\\win.py',
  'D:\\other\\win.py',
  'win.py',
  '<string>',
  '<frozen importlib._bootstrap>',
  '~',
  '',
  '/a/b/c.py',
  '/x/b/c.py',
];
const NAMES = [
  'run',
  'setup',
  'decorated',
  'ab',
  'a',
  'b',
  '(1)x',
  '(2',
  ' padded ',
  '<module>',
  'decorated:31',
  'run:3',
  'util.run',
  'pkg_a.util.run',
  'new\nline',
  '???',
  '',
  'a #1',
];

const fnArbitrary: fc.Arbitrary<Fn> = fc.tuple(
  fc.constantFrom(...FILES),
  fc.constantFrom(0, 1, 3, 31, 46),
  fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 6 })),
  fc.constantFrom<'python' | 'builtin'>('python', 'python', 'builtin'),
);
const profiles = fc.uniqueArray(fnArbitrary, {
  minLength: 1,
  maxLength: 40,
  selector: ([file, line, name]) => `${file}\u0000${line}\u0000${name}`,
});

describe('uniqueFunctionNames', () => {
  it('is unique under KCachegrind identity, deterministic and short where unambiguous', () => {
    fc.assert(
      fc.property(
        profiles,
        fc.constantFrom('short' as const, 'qualified' as const),
        (fns, style) => {
          const { profile, names } = namesOf(fns, { style });
          const keys = names.map((name, fn) => key(profile)(name, fn));
          expect(new Set(keys).size).toBe(fns.length);
          // Deterministic: the same profile gives the same names.
          expect(uniqueFunctionNames(profileOf(fns), { style })).toEqual(names);
          for (const name of names) {
            expect(name).not.toMatch(/[\n\r\0]/);
            expect(name).toBe(name.trim());
            expect(name).not.toBe('???');
          }
          // Short: when the bare names are already unique, they are what is written.
          const bare = fns.map(([, , name], fn) => key(profile)(sanitizeName(name), fn));
          if (style === 'short' && new Set(bare).size === bare.length)
            expect(names).toEqual(fns.map(([, , name]) => sanitizeName(name)));
        },
      ),
      { numRuns: 500 },
    );
  }, 30_000);

  it('is unique under any identity given, with reserved keys kept free', () => {
    fc.assert(
      fc.property(profiles, (fns) => {
        const profile = profileOf(fns);
        // A coarser identity than KCachegrind's: the name alone.
        const names = uniqueFunctionNames(profile, {
          keySuffix: () => '',
          reserved: ['run', '(profiler)'],
        });
        expect(new Set(names).size).toBe(fns.length);
        expect(names).not.toContain('run');
        expect(names).not.toContain('(profiler)');
      }),
      { numRuns: 300 },
    );
  });

  it('names alike whether the rule is given as a key suffix or as an identity', () => {
    // The suffix form keys (name, suffix) pairs without concatenating them; it must agree
    // with the string rule exactly, also where pairs concatenate alike (`ab`+`c.py`,
    // `a`+`bc.py`), where a suffix is empty, and for reserved keys.
    fc.assert(
      fc.property(
        profiles,
        fc.constantFrom('short' as const, 'qualified' as const),
        fc.subarray(['runc.py', 'c.py', '(profiler)(profiler)', 'abc.py', 'setuputil.py']),
        (fns, style, reserved) => {
          const profile = profileOf(fns);
          const suffix = (fn: number) =>
            kcachegrindBasename(profile.strings[profile.functions.file[fn] as number] as string);
          expect(uniqueFunctionNames(profile, { style, keySuffix: suffix, reserved })).toEqual(
            uniqueFunctionNames(profile, {
              style,
              identity: (name, fn) => name + suffix(fn),
              reserved,
            }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('names by a written form as by that identity, and returns the written names', () => {
    // A written form that merges names (`a;b` is written as the literal `a\x3bb` is) and
    // trims, as the collapsed writer's frame text does.
    const written = (name: string) => name.replaceAll(';', '\\x3b').replace(/ +$/, '');
    fc.assert(
      fc.property(
        profiles,
        fc.constantFrom('short' as const, 'qualified' as const),
        fc.subarray(['run', 'a\\x3bb', '(profiler)']),
        (fns, style, reserved) => {
          const profile = profileOf(fns);
          expect(uniqueFunctionNames(profile, { style, written, reserved })).toEqual(
            uniqueFunctionNames(profile, { style, identity: written, reserved }).map(written),
          );
        },
      ),
      { numRuns: 500 },
    );
    const { names } = namesOf(
      [
        ['/p/x.py', 1, 'a;b'],
        ['/p/x.py', 2, 'a\\x3bb'],
        ['/p/y.py', 3, 'run '],
      ],
      { written },
    );
    expect(names).toEqual(['a\\x3bb:1', 'a\\x3bb:2', 'run']);
  });

  it('tells apart different names whose hashed keys are the same', () => {
    // Keys are two polynomial hashes mod 2^32: a Thue–Morse string of 128 characters and
    // its complement have the same ones, whatever the multipliers. `odd` clashes with
    // nothing; the two `even` functions clash with each other.
    let even = 'a';
    let odd = 'b';
    while (even.length < 128) [even, odd] = [even + odd, odd + even];
    const fns: Fn[] = [
      ['/p/x.py', 1, even],
      ['/q/x.py', 2, odd],
      ['/r/x.py', 3, even],
      ['/s/y.py', 4, 'run'],
    ];
    const profile = profileOf(fns);
    const suffix = (fn: number) =>
      kcachegrindBasename(profile.strings[profile.functions.file[fn] as number] as string);
    const expected = [`p.x.${even}`, odd, `r.x.${even}`, 'run'];
    for (const rule of [suffix, () => '']) {
      const names = uniqueFunctionNames(profile, { keySuffix: rule, reserved: [`${odd}.`] });
      expect(names).toEqual(expected);
      // The same as by the identity strings themselves, which are numbered, not hashed.
      expect(
        uniqueFunctionNames(profile, {
          identity: (name, fn) => name + rule(fn),
          reserved: [`${odd}.`],
        }),
      ).toEqual(expected);
    }
    expect(uniqueFunctionNames(profile, { written: (name) => name })).toEqual(expected);
    // A reserved key with the hash of a name, and a name that is reserved.
    expect(uniqueFunctionNames(profile, { keySuffix: () => '', reserved: [even] })).toEqual([
      `p.x.${even}`,
      odd,
      `r.x.${even}`,
      'run',
    ]);
    expect(uniqueFunctionNames(profile, { keySuffix: () => '', reserved: [odd] })).toEqual([
      `p.x.${even}`,
      `${odd}:2`,
      `r.x.${even}`,
      'run',
    ]);
  });

  it('keeps the names of the reason this project exists apart, readably', () => {
    const { names } = namesOf(REASON);
    expect(names).toEqual([
      'decorated:31',
      'decorated:46',
      'pkg_a.util.run',
      'pkg_b.util.run',
      'inner.util.run',
      'pkg_a.setup',
      'pkg_b.setup',
      'main',
    ]);
  });

  it('qualifies with module names that tell files apart, the same for every function of a file', () => {
    const fns: Fn[] = [
      ...REASON,
      ['/usr/lib/python3.12/json/decoder.py', 332, 'decode'],
      ['~', 0, '<built-in method len>', 'builtin'],
    ];
    const { names } = namesOf(fns, { style: 'qualified' });
    expect(names).toEqual([
      'decorators.decorated:31',
      'decorators.decorated:46',
      'pkg_a.util.run:9',
      'pkg_b.util.run:6',
      'inner.util.run:5',
      'pkg_a.setup:7',
      'pkg_b.setup:7',
      'main.main:30',
      'json.decoder.decode:332',
      '<built-in method len>',
    ]);
    // A function that clashes with nothing gets its file's prefix too (no `#N` counters).
    const more = namesOf([...fns, ['/p/pkg_a/util.py', 12, 'stop']], { style: 'qualified' });
    expect(more.names.slice(0, fns.length)).toEqual(names);
    expect(more.names[fns.length]).toBe('pkg_a.util.stop:12');
    // Without the other util.py files, pkg_a/util.py is `util` again.
    expect(namesOf([['/p/pkg_a/util.py', 9, 'run']], { style: 'qualified' }).names).toEqual([
      'util.run:9',
    ]);
  });

  it('never gives a path label twice in a group, even when a deeper one spells an earlier one', () => {
    // `my.pkg/util.py` gets `my.pkg.util` at depth 2; `my/pkg/util.py` (told from
    // `x/pkg/util.py` only at depth 3) would spell the same label there, so it takes its path.
    const { names } = namesOf([
      ['my.pkg/util.py', 1, 'run'],
      ['my/pkg/util.py', 1, 'run'],
      ['x/pkg/util.py', 1, 'run'],
      ['other/util.py', 1, 'run'],
    ]);
    expect(names).toEqual([
      'my.pkg.util.run',
      'my/pkg/util.py.run',
      'x.pkg.util.run',
      'other.util.run',
    ]);
  });

  it('gives each function the basename of its file as written, one string per file', () => {
    const profile = profileOf([
      ['/p/pkg_a/util.py', 1, 'run'],
      ['/p/pkg_a/util.py', 9, 'stop'],
      ['', 3, 'main'],
      ['C:\\proj\\win.py', 4, 'run'],
    ]);
    const plain = fileBasenameSuffix(profile);
    expect([0, 1, 2, 3].map(plain)).toEqual(['util.py', 'util.py', '', 'C:\\proj\\win.py']);
    const written = fileBasenameSuffix(profile, (file) => (file === '' ? '(no file)' : file));
    expect(written(2)).toBe('(no file)');
    // The default rule is this suffix: the same names either way.
    expect(uniqueFunctionNames(profile, { keySuffix: plain })).toEqual(
      uniqueFunctionNames(profile),
    );
  });

  it('separates names that concatenate alike with their basename (ab+c.py, a+bc.py)', () => {
    const { profile, names } = namesOf([
      ['c.py', 1, 'ab'],
      ['bc.py', 1, 'a'],
    ]);
    expect(kcachegrindKey('ab', 'c.py')).toBe(kcachegrindKey('a', 'bc.py'));
    expect(key(profile)(names[0] as string, 0)).not.toBe(key(profile)(names[1] as string, 1));
    expect(names).toEqual(['c.ab', 'bc.a']);
  });

  it('treats a Windows path as one basename, as KCachegrind does', () => {
    expect(kcachegrindBasename('C:\\proj\\win.py')).toBe('C:\\proj\\win.py');
    expect(kcachegrindBasename('/a/b/c.py')).toBe('c.py');
    // Different Windows folders are different basenames for KCachegrind: no clash.
    const { names } = namesOf([
      ['C:\\proj\\win.py', 1, 'run'],
      ['D:\\other\\win.py', 1, 'run'],
    ]);
    expect(names).toEqual(['run', 'run']);
  });

  it('qualifies again a name that clashes with a qualified form', () => {
    const { profile, names } = namesOf([
      ['~', 0, 'len', 'builtin'],
      ['~', 0, 'len:0', 'builtin'],
      ['~', 1, 'len', 'builtin'],
    ]);
    const keys = names.map((name, fn) => key(profile)(name, fn));
    expect(new Set(keys).size).toBe(3);
    expect(names).toEqual(['len:0', 'len:0:0', 'len:1']);
  });

  it('names a group of 100k same-named functions (no quadratic path: this would not end)', {
    timeout: 60_000,
  }, () => {
    const fns: Fn[] = [];
    for (let k = 0; k < 100_000; k++) fns.push([`/site/pkg${k % 5000}/__init__.py`, k, '<module>']);
    const { profile, names } = namesOf(fns);
    const keys = new Set(names.map((name, fn) => key(profile)(name, fn)));
    expect(keys.size).toBe(fns.length);
  });

  it('keys files with very long basenames in linear time (slicing every ending would not end)', () => {
    // 300 basenames of 'x' × 9,701…10,000: each is a suffix of every longer one, so each
    // has thousands of endings to look at and a known suffix at the end of them.
    const fns: Fn[] = [];
    for (let k = 0; k < 300; k++) fns.push([`/d${k}/${'x'.repeat(10_000 - k)}`, 1, 'run']);
    // `runx` + 'x' × 9,999 is `run` + 'x' × 10,000: the first function's key.
    fns.push([`/e/${'x'.repeat(9_999)}`, 2, 'runx']);
    const { profile, names } = namesOf(fns);
    const keys = new Set(names.map((name, fn) => key(profile)(name, fn)));
    expect(keys.size).toBe(fns.length);
    expect(names[1]).toBe('run');
    expect(names[0]).not.toBe('run');
    expect(names[300]).not.toBe('runx');
  });
});

describe('sanitizeName', () => {
  /** The definition: control characters escaped, outer white space trimmed. */
  const reference = (name: string): string => {
    const out = name
      .replace(/\p{Cc}/gu, (c) => {
        if (c === '\n') return '\\n';
        if (c === '\r') return '\\r';
        if (c === '\t') return '\\t';
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
      })
      .trim();
    return out === '' ? '(no name)' : out === '???' ? '(???)' : out;
  };
  // Every control and white-space character there is, among ordinary ones.
  const special = [
    ...Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c)),
    ...Array.from({ length: 0x21 }, (_, c) => String.fromCharCode(0x7f + c)),
    ...' \u00a0\u1680\u2000\u2005\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff',
  ];
  const piece = fc.oneof(fc.constantFrom(...special), fc.constantFrom('a', '?', 'é', '(', '.'));

  it('is the regular-expression definition, with its fast path for clean names', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const name = pieces.join('');
        expect(sanitizeName(name)).toBe(reference(name));
      }),
      { numRuns: 5000 },
    );
    for (const name of ['', '???', ' ???', 'x\u0085', '\u3000run', 'run\u00a0', 'ok'])
      expect(sanitizeName(name)).toBe(reference(name));
  }, 30_000);

  it('returns a clean name itself', () => {
    const name = ['get', 'item'].join('_');
    expect(sanitizeName(name)).toBe(name);
  });
});
