// Dotted module names from paths: best effort, never wrong about the package root.
import { describe, expect, it } from 'vitest';
import { moduleNameFromPath } from '../src/index.js';

describe('moduleNameFromPath', () => {
  it.each([
    ['/usr/lib/python3.11/json/decoder.py', 'json.decoder'],
    ['/opt/python/3.12.1/lib/python3.12/importlib/__init__.py', 'importlib'],
    ['/usr/lib/python3/dist-packages/breezy/commands.py', 'breezy.commands'],
    ['/home/u/.venv/lib/python3.11/site-packages/a/b.py', 'a.b'],
    ['/srv/app/site-packages/x/site-packages/y/z.py', 'y.z'],
    ['C:\\Python311\\Lib\\json\\decoder.py', 'json.decoder'],
    ['/srv/pyprof-corpus/programs/decorators.py', 'decorators'],
    ['/src/pkg_a/__init__.py', 'pkg_a'],
    ['naïve dir/mod ü.py', 'mod ü'],
    ['<frozen importlib._bootstrap>', 'importlib._bootstrap'],
    ['<string>', ''],
    ['~', ''],
    ['', ''],
    ['/usr/lib/python3.11/lib-dynload/x.so', ''],
  ])('%s → %s', (path, module) => {
    expect(moduleNameFromPath(path)).toBe(module);
  });
});
