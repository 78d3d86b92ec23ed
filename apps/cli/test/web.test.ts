// `pyprof web`: opens the built web page (apps/web/dist, so it needs `pnpm run build`) in
// the browser named by $BROWSER — here a small real program that records how it was
// started — with the files preloaded through a `#preload=` script holding their bytes.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { cprofileFixtures, scratchFolders } from './scratch.js';

const scratch = scratchFolders('pyprof-web-');
const page = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist', 'index.html');
const fixture = join(cprofileFixtures, 'pstats', 'py312', 'recursion.cprofile.prof');

async function waitFor(file: string): Promise<string> {
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  return readFileSync(file, 'utf8');
}

describe('pyprof web', () => {
  it('opens the page with the files preloaded', async () => {
    const bin = scratch();
    const browser = join(bin, 'browser');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/browser.args"\n`);
    chmodSync(browser, 0o755);
    const result = await runCli(['web', fixture, fixture], new Uint8Array(), {
      env: { BROWSER: browser, PATH: '' },
    });
    expect(result.code).toBe(0);
    const url = (await waitFor(join(bin, 'browser.args'))).trim();
    expect(result.stderr).toBe(`pyprof: opened the web page in your browser: ${url}\n`);
    const [address, fragment] = url.split('#') as [string, string];
    expect(address).toBe(pathToFileURL(page).href);
    const script = decodeURIComponent(fragment.replace(/^preload=/, ''));
    try {
      const source = readFileSync(script, 'utf8');
      const match = /^pyprofPreload\((.*)\);\n$/s.exec(source);
      const list = JSON.parse(match?.[1] ?? 'null') as Array<{ name: string; base64: string }>;
      expect(list.map((file) => file.name)).toEqual([
        'recursion.cprofile.prof',
        'recursion.cprofile.prof',
      ]);
      expect(Buffer.from(list[0]?.base64 ?? '', 'base64').equals(readFileSync(fixture))).toBe(true);
    } finally {
      rmSync(dirname(script), { recursive: true, force: true });
    }
  });

  it('prints the address when there is no browser to start', async () => {
    const result = await runCli(['web', '--quiet'], new Uint8Array(), { env: { PATH: '' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `pyprof: no browser found to open the page; open this address yourself:\n${pathToFileURL(page).href}\n`,
    );
  });

  it('says which file it cannot read, in one line', async () => {
    const missing = join(scratch(), 'missing.prof');
    const result = await runCli(['web', missing], new Uint8Array(), { env: { PATH: '' } });
    expect(result.code).toBe(8);
    expect(result.stderr).toBe(`pyprof: cannot read ${missing}: ENOENT [IO_ERROR]\n`);
  });
});
