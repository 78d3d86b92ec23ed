// Gzip in core: the signature, members joined like `gzip -d`, bad data as a gzip error,
// the source's own errors unchanged, and a consumer that stops early stops the unpacking
// and closes the source (what detection and a future byte cap rely on).
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzip, isGzip, isProfileError } from '../src/index.js';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let k = 0; k < data.length; k += size) yield data.subarray(k, k + size);
}

describe('gzip', () => {
  it('recognises the signature (1f 8b, deflate)', () => {
    expect(isGzip(gzipSync('x'))).toBe(true);
    expect(isGzip(Uint8Array.of(0x1f, 0x8b))).toBe(false);
    expect(isGzip(Uint8Array.of(0x1f, 0x8b, 0x07, 0))).toBe(false);
  });

  it('unpacks members one after another, from any chunking', async () => {
    const data = Buffer.concat([gzipSync('hello '), gzipSync('world')]);
    for (const size of [1, 7, data.length]) {
      expect((await collect(gunzip(pieces(data, size)))).toString()).toBe('hello world');
    }
  });

  it('reports bad data as a malformed gzip input, and passes the source errors on', async () => {
    const cut = gzipSync('hello').subarray(0, 12);
    const error = await collect(gunzip(pieces(cut, 4))).catch((e: unknown) => e);
    expect(isProfileError(error) && [error.code, error.format]).toEqual([
      'MALFORMED_INPUT',
      'gzip',
    ]);
    const broken = new Error('disk gone');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield gzipSync('hello').subarray(0, 5);
      throw broken;
    }
    await expect(collect(gunzip(failing()))).rejects.toBe(broken);
  });

  it('stops unpacking and closes the source when the consumer stops', async () => {
    const big = gzipSync(randomBytes(8 << 20)); // incompressible: 8 MiB in, 8 MiB out
    let fed = 0;
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let k = 0; k < big.length; k += 1024) {
          fed += 1024;
          yield big.subarray(k, k + 1024);
        }
      } finally {
        closed = true;
      }
    }
    let out = 0;
    for await (const chunk of gunzip(source())) {
      out += chunk.length;
      if (out >= 4096) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(true);
    expect(fed).toBeLessThan(big.length / 8);
  }, 30_000);
});
