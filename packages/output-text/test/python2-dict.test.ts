// The Python 2.7 hash and dict model against the real interpreter: test/fixtures/python2/
// dict-cases.json.gz holds random key sets (str, unicode, int, long, float, tuples, nested
// tuples, pstats-like keys, keys equal across types), each key's hash() and the dict's
// iteration order after a random sequence of inserts, re-inserts and deletes, all made by
// CPython 2.7.18 (64-bit) through fixtures/python2/generate.py. Every hash must equal
// Python's, and every dict must iterate in Python's order — including across resizes,
// collisions, dummy slots and the 50,000-key change of growth factor.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Python2Dict } from '../src/python2-dict.js';
import {
  bytesHash,
  floatHash,
  type Hash64,
  hashToBigInt,
  intHash,
  longHash,
  tupleHash,
  unicodeHash,
} from '../src/python2-hash.js';

type Key =
  | ['str', string]
  | ['unicode', number[]]
  | ['int', string]
  | ['long', string]
  | ['float', string]
  | ['tuple', Key[]];

interface ListedCase {
  name: string;
  keys: Key[];
  hashes: string[];
  canonical: number[];
  operations: Array<['set' | 'del', number]>;
  order: number[];
}

interface GeneratedCase {
  name: string;
  generated: { count: number; prefix: string; step: number };
  order_sha1: string;
  order_head: number[];
}

interface Table {
  python: string;
  maxsize: number;
  maxunicode: number;
  cases: Array<ListedCase | GeneratedCase>;
}

const table = JSON.parse(
  gunzipSync(
    readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'python2', 'dict-cases.json.gz'),
    ),
  ).toString('utf8'),
) as Table;

function parseFloat64(text: string): number {
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function hashOf(key: Key): Hash64 {
  switch (key[0]) {
    case 'str':
      return bytesHash(new Uint8Array(Buffer.from(key[1], 'hex')));
    case 'unicode':
      return unicodeHash(String.fromCodePoint(...key[1]));
    case 'int': {
      const value = BigInt(key[1]);
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? intHash(Number(value))
        : longHash(value);
    }
    case 'long':
      return longHash(BigInt(key[1]));
    case 'float':
      return floatHash(parseFloat64(key[1]));
    default:
      return tupleHash(key[1].map(hashOf));
  }
}

const listed = table.cases.filter((c): c is ListedCase => 'keys' in c);
const generated = table.cases.filter((c): c is GeneratedCase => 'generated' in c);

describe('the Python 2.7 dict model equals CPython 2.7', () => {
  it('has a table from a 64-bit UCS-4 CPython 2.7 with every kind of key and size', () => {
    expect(table.python).toMatch(/^2\.7\./);
    expect(table.maxsize).toBe(2 ** 63 - 1);
    expect(table.maxunicode).toBe(0x10ffff);
    const kinds = new Set<string>();
    const visit = (key: Key): void => {
      kinds.add(key[0]);
      if (key[0] === 'tuple') key[1].forEach(visit);
    };
    for (const c of listed) c.keys.forEach(visit);
    expect(kinds).toEqual(new Set(['str', 'unicode', 'int', 'long', 'float', 'tuple']));
    expect(listed.some((c) => c.operations.some(([op]) => op === 'del'))).toBe(true);
    expect(listed.some((c) => c.canonical.some((first, k) => first !== k))).toBe(true);
    expect(Math.max(...listed.map((c) => c.order.length))).toBeGreaterThan(1000);
    expect(generated.length).toBe(1);
  });

  for (const c of listed) {
    it(`${c.name}: hashes and iteration order`, () => {
      const hashes = c.keys.map(hashOf);
      expect(hashes.map((h) => hashToBigInt(h).toString())).toEqual(c.hashes);
      const dict = new Python2Dict();
      for (const [op, k] of c.operations) {
        const id = c.canonical[k] as number;
        if (op === 'set') dict.set(id, hashes[k] as Hash64);
        else expect(dict.delete(id, hashes[k] as Hash64)).toBe(true);
      }
      expect(dict.keys()).toEqual(c.order);
      expect(dict.size).toBe(c.order.length);
    });
  }

  for (const c of generated) {
    it(`${c.name}: past 50,000 keys the table grows by 2`, () => {
      const { count, prefix, step } = c.generated;
      const hashes = Array.from({ length: count }, (_, k) =>
        bytesHash(new Uint8Array(Buffer.from(`${prefix}${k}`, 'latin1'))),
      );
      const dict = new Python2Dict();
      for (let i = 0; i < count; i++) {
        const k = (i * step) % count;
        dict.set(k, hashes[k] as Hash64);
      }
      const order = dict.keys();
      expect(order.slice(0, c.order_head.length)).toEqual(c.order_head);
      expect(createHash('sha1').update(order.join(',')).digest('hex')).toBe(c.order_sha1);
      // The resize at 87,382 keys asked for 2·87,382 (a factor of 4 would give 524,288).
      expect(dict.capacity).toBe(262144);
    }, 30_000);
  }
});
