// The typed-array index over integer keys: claim finds a row's key or records the row, and
// the table grows as rows are recorded.
import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../src/columns.js';

describe('KeyIndex.claim', () => {
  it('returns the first row holding each key, growing from the smallest table', () => {
    const rows = 5000;
    // Keys up to 2^53 repeat every 997 rows: row r first holds key r % 997.
    const keys = Float64Array.from({ length: rows }, (_, r) => (r % 997) * 2 ** 40 + 7);
    const index = new KeyIndex(keys, 1);
    const owners = Array.from({ length: rows }, (_, r) => index.claim(r));
    expect(owners).toEqual(Array.from({ length: rows }, (_, r) => (r < 997 ? -1 : r % 997)));
  });
});
