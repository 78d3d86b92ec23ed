// The page's own JavaScript (the page script and the worker, both inline in dist/index.html;
// the bundled speedscope app in dist/speedscope/ is not counted) must stay at most 300 KB
// gzipped (issue 25). Prints the size; needs the build (`pnpm run build`).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const page = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.html');
const BUDGET = 300 * 1024;

describe('the page size', () => {
  it('keeps the page JavaScript within 300 KB gzipped', () => {
    expect(existsSync(page), `${page}: run pnpm run build first`).toBe(true);
    const html = readFileSync(page, 'utf8');
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map(
      (match) => match[1] as string,
    );
    // The worker's source and the page script.
    expect(scripts).toHaveLength(2);
    const javascript = scripts.join('\n');
    const gzipped = gzipSync(javascript, { level: 9 }).length;
    console.log(
      `page JavaScript: ${(javascript.length / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`,
    );
    expect(gzipped).toBeGreaterThan(10 * 1024); // the worker really is inside
    expect(gzipped).toBeLessThanOrEqual(BUDGET);
  });
});
