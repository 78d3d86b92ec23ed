// The profile module's code-object key: kept as a code object for an interpreter of its
// layout group, with the stored bytes' numbering moved to the file's (Python 3: slots
// shifted, and the file's own references after it still right; Python 2: interned strings
// shared with the file's string table both ways), and written as its printed form for any
// other target. The code objects here are small hand-made ones in the stored
// (self-contained) form; real ones, loaded by real interpreters, are checked in
// tests/integration.
import { type CodeObjectMarshal, type Profile, ProfileBuilder } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { CODE_ADDRESS_PLACEHOLDER } from '../src/code-object.js';
import { codeObjectText } from '../src/index.js';
import { writeProfile as write } from './check.js';
import {
  decodeMarshal,
  PyBytes,
  PyCode,
  type PyDict,
  type PyText,
  type PyTuple,
  show,
  type Value,
} from './marshal-decoder.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const i32 = (n: number) => Buffer.from(Int32Array.of(n).buffer).toString('hex');
const ascii = (text: string) => Buffer.from(text, 'latin1').toString('hex');

/** A 3.11+ code object: slots 0 (itself), 1 (co_code), 2 (file), 3 (name); refs to 1 and 3. */
const CODE_311 = hex(`
  e3 ${i32(0).repeat(5)}
  f3 ${i32(2)} 9700
  29 01 72 ${i32(1)}
  29 00  29 00  73 ${i32(0)}
  fa 04 ${ascii('x.py')}
  da 08 ${ascii('<module>')}
  72 ${i32(3)}
  ${i32(1)}
  73 ${i32(0)}  72 ${i32(1)}`);

/** A 2.x code object: `t` 'fib' (string 0) and `t` '<module>' (1), and `R` 0. */
const CODE_2 = hex(`
  63 ${i32(0).repeat(4)}
  73 ${i32(2)} 6400
  28 ${i32(1)} 4e
  28 ${i32(1)} 74 ${i32(3)} ${ascii('fib')}
  28 ${i32(1)} 52 ${i32(0)}
  28 ${i32(0)}  28 ${i32(0)}
  73 ${i32(4)} ${ascii('x.py')}
  74 ${i32(8)} ${ascii('<module>')}
  ${i32(1)}
  73 ${i32(0)}`);

const CODE = { file: 'x.py', line: 1, name: '<module>' };
const LABEL = '<code object <module>, file "x.py", line 1>';

/**
 * fib (defined first, so its strings are in the file's tables before the code object),
 * the code-object key, which calls main and is called by the root; main is called by both.
 */
function profileWith(marshal: CodeObjectMarshal | undefined): Profile {
  const b = new ProfileBuilder({ format: 'cprofile' });
  const numbers = { callCount: 1, primitiveCallCount: 1, selfTime: 0.5, inclusiveTime: 1 };
  const fib = b.addFunction('/a.py', 1, 'fib');
  const root = b.addFunction('profile', 0, 'profiler', 'synthetic');
  const code = b.addFunction('profile', 0, LABEL, 'synthetic', {
    details: { codeObject: { ...CODE, ...(marshal ? { marshal } : {}) } },
  });
  const main = b.addFunction('/b.py', 2, '<module>');
  for (const fn of [fib, code, main]) b.addFunctionStats(fn, numbers);
  const count = {
    callCount: 1,
    primitiveCallCount: Number.NaN,
    selfTime: Number.NaN,
    inclusiveTime: Number.NaN,
  };
  b.addCall(root, code, count);
  b.addCall(code, main, count);
  b.addCall(fib, main, count);
  b.addCall(main, fib, count);
  return b.build();
}

function keys(dict: PyDict): PyTuple[] {
  return dict.entries.map(([key]) => key as PyTuple);
}

describe('Python 3.11+ code object', () => {
  const profile = profileWith({ layout: '3.11+', bytes: CODE_311 });

  it.each(['3.11', '3.12', '3.13'])('is kept for Python %s, renumbered', (python) => {
    const { bytes, warnings } = write(profile, python);
    expect(warnings).toEqual([]);
    const { value } = decodeMarshal(bytes, 3, '3.11+');
    const [fibKey, rootKey, codeKey, mainKey] = keys(value as PyDict) as [
      PyTuple,
      PyTuple,
      PyTuple,
      PyTuple,
    ];
    const code = codeKey.items[2] as PyCode;
    expect(code).toBeInstanceOf(PyCode);
    // Its own references point at its own objects wherever the file put them.
    const [coCode, consts] = code.fields as [Value, PyTuple];
    expect(coCode).toBeInstanceOf(PyBytes);
    expect(consts.items[0]).toBe(coCode);
    expect(code.fields[7]).toBe(code.name); // qualname → name
    expect((code.name as PyText).text).toBe('<module>');
    expect(code.fields[9]).toBe(coCode);
    // The file's own references after it are still right: main's callers are the code key and fib.
    const mainEntry = (value as PyDict).entries[3]?.[1] as PyTuple;
    const callers = keys(mainEntry.items[4] as PyDict);
    expect(callers).toEqual([codeKey, fibKey]);
    expect((mainKey.items[0] as PyText).text).toBe('/b.py');
    expect((rootKey.items[2] as PyText).text).toBe('profiler');
  });

  it.each([
    ['3', '--python 3.12 keeps it'],
    ['3.9', '--python 3.12 keeps it'],
  ])('becomes its printed form for Python %s', (python, hint) => {
    const { bytes, warnings } = write(profile, python);
    const text = `<code object <module> at ${CODE_ADDRESS_PLACEHOLDER}, file "x.py", line 1>`;
    expect(show(decodeMarshal(bytes, 3).value)).toContain(
      `("profile", 0, ${JSON.stringify(text)})`,
    );
    expect(warnings.map((w) => w.code)).toEqual(['code-object-as-text']);
    expect(warnings[0]?.message).toContain(hint);
  });

  it('becomes its printed form for Python 2, cut as 2.7 cuts it', () => {
    const long = { ...CODE, name: 'n'.repeat(150), file: `/${'f'.repeat(400)}.py` };
    const text = codeObjectText(long, 2);
    expect(text).toBe(
      `<code object ${'n'.repeat(100)} at ${CODE_ADDRESS_PLACEHOLDER}, file "/${'f'.repeat(299)}", line 1>`,
    );
    expect(codeObjectText({ ...CODE, line: 0 }, 3)).toContain(', line -1>');
    const { bytes } = write(profile, '2');
    expect(show(decodeMarshal(bytes, 2).value)).toContain(
      `(i"profile", 0, b${JSON.stringify(codeObjectText(CODE, 2))})`,
    );
  });
});

describe('Python 2 code object', () => {
  const profile = profileWith({ layout: '2.x', bytes: CODE_2 });

  it('is kept, sharing the file’s string table both ways, and written in full every time', () => {
    const { bytes, warnings } = write(profile, '2');
    expect(warnings).toEqual([]);
    const { value } = decodeMarshal(bytes, 2, '2.x');
    const entries = (value as PyDict).entries;
    const [fibKey, , codeKey, mainKey] = keys(value as PyDict) as [
      PyTuple,
      PyTuple,
      PyTuple,
      PyTuple,
    ];
    const code = codeKey.items[2] as PyCode;
    // 'fib' was interned by the first key: the code object's `t` became an `R` to it.
    const [, , names, varnames] = code.fields as [Value, Value, PyTuple, PyTuple];
    expect(names.items[0]).toBe(fibKey.items[2]);
    expect(varnames.items[0]).toBe(fibKey.items[2]);
    // '<module>' entered the table in the code object; main's key refers to it.
    expect(mainKey.items[2]).toBe(code.name);
    // As main's caller the key is written again in full, its strings all references now.
    const mainEntry = entries[3]?.[1] as PyTuple;
    const mainCallers = keys(mainEntry.items[4] as PyDict);
    const again = mainCallers[0]?.items[2] as PyCode;
    expect(again).toBeInstanceOf(PyCode);
    expect(again).not.toBe(code);
    expect(again.name).toBe(code.name);
  });

  it('becomes its printed form for Python 3', () => {
    const { bytes, warnings } = write(profile, '3');
    expect(warnings[0]?.message).toContain('--python 2 keeps it');
    expect(show(decodeMarshal(bytes, 3).value)).toContain(JSON.stringify(codeObjectText(CODE, 3)));
  });
});

describe('code objects that cannot be kept', () => {
  it('writes the printed form when the input did not keep the code object', () => {
    const { bytes, warnings } = write(profileWith(undefined), '3.12');
    expect(warnings[0]?.message).toContain('the input did not keep its code object');
    expect(show(decodeMarshal(bytes, 3).value)).toContain(JSON.stringify(codeObjectText(CODE, 3)));
  });

  it('writes the printed form when the stored bytes do not parse', () => {
    const broken = CODE_311.slice(0, CODE_311.length - 3);
    const { bytes, warnings } = write(profileWith({ layout: '3.11+', bytes: broken }), '3.12');
    expect(warnings.map((w) => w.code)).toEqual(['code-object-as-text']);
    expect(warnings[0]?.message).toContain('does not parse');
    // The rest of the file is intact and its references right.
    const { value } = decodeMarshal(bytes, 3);
    expect(show(value)).toContain(JSON.stringify(codeObjectText(CODE, 3)));
    expect((value as PyDict).entries).toHaveLength(4);
  });
});
