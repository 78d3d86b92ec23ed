// The writer's own rules: the escapes keep names intact and distinct, weights are integers
// within 1 of the exact ones and add up to the rounded total exactly, the unit and the
// thread prefix, identical stacks of several threads merged, and what is reported.
import {
  Diagnostics,
  decodeText,
  escapeUndecodable,
  makeProfileSet,
  type ProfileSet,
  sanitizeName,
  singleProfileSet,
  writeToString,
} from '@pyprof/core';
import { ownByLeaf, parseCollapsed, profileFromRun } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapsed } from '../src/index.js';
import { frameText } from '../src/write.js';

const write = (set: ProfileSet, options: Record<string, unknown> = {}, diagnostics?: Diagnostics) =>
  writeToString(collapsed, set, { options, ...(diagnostics ? { diagnostics } : {}) });

/** Names the format cannot hold as they are, and names that only differ by such a character. */
const ODD = [
  'a;b',
  'a:b',
  'retry 2',
  'retry_2',
  '42',
  'with space',
  decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9])), // caf\xe9
  decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe8])), // caf\xe8
  'tab\there',
  'a\\x3bb',
];

function oddProfile(threadId?: string) {
  return profileFromRun(
    {
      functions: [
        { file: 'main.py', line: 1, name: '<module>' },
        ...ODD.map((name, k) => ({ file: 'odd.py', line: 10 + k, name })),
      ],
      roots: [
        {
          fn: 0,
          self: 0.001,
          children: ODD.map((_, k) => ({ fn: k + 1, self: (k + 1) * 1.234567891e-4 })),
        },
      ],
    },
    threadId !== undefined ? { metadata: { threadId } } : {},
  );
}

describe('frame text', () => {
  it('escapes the separator, a trailing count, undecodable bytes and control characters', () => {
    expect(frameText('a;b')).toBe('a\\x3bb');
    expect(frameText('retry 2')).toBe('retry\\x202');
    expect(frameText('retry 2.5')).toBe('retry\\x202.5');
    expect(frameText('retry #2')).toBe('retry #2');
    expect(frameText('42')).toBe('42');
    expect(frameText(decodeText(new Uint8Array([0x63, 0xe9])))).toBe('c\\xe9');
    expect(frameText('tab\there')).toBe('tab\\there');
    expect(frameText('  padded  ')).toBe('padded');
    expect(frameText('with space')).toBe('with space');
  });

  it('changes a name exactly as its steps would (the quick test for names it keeps)', () => {
    // The steps one after the other, as the file comment lists them.
    const stepwise = (name: string) => {
      let text = escapeUndecodable(sanitizeName(name)).replaceAll(';', '\\x3b');
      const match = /\s(?=\d+(?:\.\d*)?$)/u.exec(text);
      if (match !== null) {
        const code = (match[0].codePointAt(0) as number).toString(16).padStart(2, '0');
        text = `${text.slice(0, match.index)}\\x${code}${text.slice(match.index + 1)}`;
      }
      return text;
    };
    // Characters every rule is about: separators, white space of every kind, digits, dots,
    // control characters, `?`, surrogates alone and in pairs.
    const odd = fc.constantFrom(
      ...[
        ';',
        ' ',
        '\t',
        '\n',
        '\u00a0',
        '\u2028',
        '\ufeff',
        '\u3000',
        '\u0085',
        '\u0000',
        '\u007f',
      ],
      ...['1', '2', '.', '?', 'a', ':', '#', '\ud83d', '\ude00', '\udc80', '\udcff', '\ud800'],
    );
    const names = fc.oneof(
      fc.array(odd, { maxLength: 8 }).map((chars) => chars.join('')),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    fc.assert(
      fc.property(names, (name) => {
        expect(frameText(name)).toBe(stepwise(name));
      }),
      { numRuns: 3000 },
    );
    expect(frameText('???')).toBe('(???)');
    expect(frameText('')).toBe('(no name)');
    expect(frameText('\ud83d\ude00 x')).toBe('\ud83d\ude00 x');
  });
});

describe('collapsed output', () => {
  it('keeps odd names intact and distinct, and each function its own time', () => {
    const set = singleProfileSet(oddProfile());
    const lines = parseCollapsed(write(set));
    const leaves = ownByLeaf(lines);
    expect([...leaves.keys()].sort()).toEqual(
      [
        '<module>',
        'a\\x3bb:10',
        'a:b',
        'retry\\x202',
        'retry_2',
        '42',
        'with space',
        'caf\\xe9',
        'caf\\xe8',
        'tab\\there',
        // `a;b` escaped and the literal text `a\x3bb` are one frame text: both qualified by line.
        'a\\x3bb:19',
      ].sort(),
    );
    expect(
      Math.abs((leaves.get('with space')?.sum as number) - 6 * 1.234567891e-4 * 1e9),
    ).toBeLessThanOrEqual(1);
    for (const line of lines) expect(line.frames[0]).toBe('<module>');
  });

  it('rounds by the running total: each line within 1, the total exact', () => {
    const set = singleProfileSet(oddProfile());
    for (const [unit, scale] of [
      ['ns', 1e9],
      ['us', 1e6],
      ['ms', 1e3],
    ] as const) {
      const lines = parseCollapsed(write(set, { unit }));
      const exactTotal = (0.001 + 55 * 1.234567891e-4) * scale;
      expect(lines.reduce((s, l) => s + l.weight, 0)).toBe(Math.round(exactTotal));
      const leaves = ownByLeaf(lines);
      for (let k = 0; k < ODD.length; k++) {
        const name = [...leaves.keys()].find((n) => n === frameText(ODD[k] as string));
        if (name === undefined || k === ODD.length - 1) continue;
        const own = (k + 1) * 1.234567891e-4 * scale;
        expect(Math.abs((leaves.get(name)?.sum ?? 0) - own)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('merges identical stacks of several threads, or keeps them apart with --thread-prefix', () => {
    const set = makeProfileSet([oddProfile('101'), oddProfile('202')]);
    const merged = parseCollapsed(write(set));
    expect(merged).toHaveLength(ODD.length + 1);
    const single = parseCollapsed(write(singleProfileSet(oddProfile())));
    for (let k = 0; k < merged.length; k++) {
      expect(merged[k]?.frames).toEqual(single[k]?.frames);
      expect(Math.abs((merged[k]?.weight ?? 0) - 2 * (single[k]?.weight ?? 0))).toBeLessThanOrEqual(
        2,
      );
    }
    const apart = parseCollapsed(write(set, { 'thread-prefix': true }));
    expect(apart).toHaveLength(2 * (ODD.length + 1));
    expect(new Set(apart.map((l) => l.frames[0]))).toEqual(
      new Set(['thread (101)', 'thread (202)']),
    );
  });

  it('says reconstructed stacks on stderr, and in the file only when asked', () => {
    const diagnostics = new Diagnostics();
    const set = singleProfileSet(oddProfile());
    const text = write(set, {}, diagnostics);
    expect(text.startsWith('#')).toBe(false);
    expect(diagnostics.list.map((d) => d.code)).toContain('stacks-reconstructed');
    const commented = write(set, { comment: true });
    expect(commented.split('\n')[0]).toBe('# stacks reconstructed from the call graph (ns)');
    expect(commented.split('\n').slice(1).join('\n')).toBe(text);
  });

  it('writes exact stacks of a timeline without a reconstruction notice', () => {
    const diagnostics = new Diagnostics();
    const profile = profileFromRun(
      {
        functions: [
          { file: 'a.py', line: 1, name: 'main' },
          { file: 'a.py', line: 5, name: 'work' },
        ],
        roots: [
          {
            fn: 0,
            self: 1e-6,
            children: [
              { fn: 1, self: 2e-6 },
              { fn: 1, self: 3e-6 },
            ],
          },
        ],
      },
      { timeline: true },
    );
    const text = write(singleProfileSet(profile), {}, diagnostics);
    expect(text).toBe('main 1000\nmain;work 5000\n');
    expect(diagnostics.list.map((d) => d.code)).not.toContain('stacks-reconstructed');
  });

  it('writes a stack the tree holds twice as one line, where it first has weight, in any node order', () => {
    const profile = profileFromRun(
      {
        functions: [
          { file: 'a.py', line: 1, name: 'main' },
          { file: 'a.py', line: 5, name: 'work' },
          { file: 'a.py', line: 9, name: 'leaf' },
        ],
        roots: [
          {
            fn: 0,
            self: 1e-6,
            children: [{ fn: 1, self: 2e-6, children: [{ fn: 2, self: 3e-6 }] }],
          },
        ],
      },
      { timeline: true },
    );
    // Two roots `main`, two children `work` of the first (the first without weight), and
    // children that are not next to their parents.
    const callTree = {
      length: 6,
      parent: Int32Array.from([-1, 0, 0, 1, -1, 2]),
      function: Uint32Array.from([0, 1, 1, 2, 0, 2]),
      selfTime: Float64Array.from([1e-6, 0, 2e-6, 3e-6, 4e-6, 5e-6]),
      callCount: Float64Array.from([1, 1, 1, 1, 1, 1]),
    };
    const { timeline: _, ...rest } = profile;
    const text = write(singleProfileSet({ ...rest, callTree }));
    expect(text).toBe('main 5000\nmain;work 2000\nmain;work;leaf 8000\n');
  });
});
