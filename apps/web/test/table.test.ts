// The page's table is the text writer's table split into cells (src/table.ts): the cells
// must be exactly the CLI's, including names with non-ASCII characters (the writer pads by
// code points) and rows whose function column is empty of spaces or full of them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunksToBytes, convert, createRegistry } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { text } from '@pyprof/output-text';
import { describe, expect, it } from 'vitest';
import { parseTable } from '../src/table.ts';

const fixtures = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../packages/input-cprofile/test/fixtures/pstats',
);

async function table(file: string): Promise<string> {
  const { chunks } = await convert({
    registry: createRegistry([cprofile, text]),
    inputs: [{ name: file.split('/').pop() as string, data: readFileSync(join(fixtures, file)) }],
    to: 'text',
  });
  return new TextDecoder().decode(await chunksToBytes(chunks));
}

describe('parseTable', () => {
  it('splits the CLI table of a Python 3.12 dump into its cells', async () => {
    const parsed = parseTable(await table('py312/medium.cprofile.prof'));
    expect(parsed.caption).toEqual([
      'medium.cprofile.prof',
      '37494 function calls (34530 primitive calls) in 29.171 ms',
      'Sorted by cumulative time',
    ]);
    expect(parsed.headings).toEqual([
      'calls',
      'self ms',
      'self %',
      'total ms',
      'total %',
      'function',
      'location',
    ]);
    expect(parsed.numeric).toBe(5);
    expect(parsed.rows).toHaveLength(472);
    expect(parsed.rows[0]?.cells).toEqual([
      '20/1',
      '0.059',
      '0.2%',
      '29.145',
      '99.9%',
      '<built-in method builtins.exec>',
      '(built-in)',
    ]);
    expect(parsed.rows[0]?.values).toEqual([20, 0.059, 0.2, 29.145, 99.9]);
    expect(parsed.rows[1]?.cells.slice(5)).toEqual([
      'medium.<module>',
      '/srv/pyprof-corpus/programs/medium.py:1',
    ]);
    // The restriction patterns select the row's own `file:line(function)` key.
    expect(
      new RegExp(parsed.rows[0]?.pattern as string).test('~:0(<built-in method builtins.exec>)'),
    ).toBe(true);
    expect(
      new RegExp(parsed.rows[1]?.pattern as string).test(
        '/srv/pyprof-corpus/programs/medium.py:1(<module>)',
      ),
    ).toBe(true);
  });

  it('keeps non-ASCII names and locations whole', async () => {
    const source = await table('py312/unicode_path.cprofile.prof');
    const parsed = parseTable(source);
    const lines = source.split('\n');
    const first = lines.findIndex((line) => /^\s*calls\s+self /.test(line)) + 1;
    for (const [k, row] of parsed.rows.entries()) {
      // Re-joined, the cells are the line's words: nothing cut or moved between columns.
      expect(row.cells.join(' ').replace(/\s+/g, ' ')).toBe(
        (lines[first + k] as string).trim().replace(/\s+/g, ' '),
      );
    }
    expect(
      parsed.rows.some((row) =>
        [...row.cells.join('')].some((c) => (c.codePointAt(0) as number) > 127),
      ),
    ).toBe(true);
  });
});
