// Reading whole input files: a big file is read in two halves at once, and the halves
// must put together exactly the file's bytes, whatever its size.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openInput, readWhole, SPLIT_READ_BYTES } from '../src/input.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-input-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A file of `size` bytes that differ from their neighbours (a misplaced half shows). */
function fileOf(size: number): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(size);
  let state = 0x9e3779b9 ^ size;
  for (let k = 0; k < size; k++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[k] = state >>> 24;
  }
  const path = join(folder, `input-${size}.bin`);
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe('readWhole', () => {
  it.each([0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 100_003])(
    'reads a %i-byte file split in two halves byte for byte',
    async (size) => {
      const { path, bytes } = fileOf(size);
      const read = await readWhole(path, 1);
      expect(read.length).toBe(size);
      expect(Buffer.compare(read, bytes)).toBe(0);
    },
  );

  it('reads a file over the split size through openInput, as a plain Uint8Array', async () => {
    const { path, bytes } = fileOf(SPLIT_READ_BYTES + 12_345);
    const input = await openInput(path, process.stdin);
    const read = await input.readAll();
    expect(Object.getPrototypeOf(read)).toBe(Uint8Array.prototype);
    expect(read.length).toBe(bytes.length);
    expect(Buffer.compare(read, bytes)).toBe(0);
  });

  it('reads a small file in one call', async () => {
    const { path, bytes } = fileOf(1000);
    expect(Buffer.compare(await readWhole(path), bytes)).toBe(0);
  });

  it('reports a missing file as an input error', async () => {
    await expect(readWhole(join(folder, 'missing.prof'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
