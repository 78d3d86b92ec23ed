// lsprof pickles among the other readers: content detection never confuses them with
// pstats dumps or hotshot logs (either way), a Breezy pickle named `.prof` still goes to
// the lsprof reader, a hostile pickle reaches it (and is refused as unsafe), and a
// builtin read from a pstats dump and from an lsprof pickle is one function once merged.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRegistry,
  DETECT_HEAD_BYTES,
  functionKind,
  functionName,
  isProfileError,
  mergeProfiles,
  readWith,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../../support/corpus-fixtures.js';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages');

const head = (path: string) => new Uint8Array(readFileSync(path)).subarray(0, DETECT_HEAD_BYTES);
const pickles = filesUnder(join(packages, 'input-lsprof/test/fixtures/lsprof'), (n) =>
  n.endsWith('.pickle'),
);
const pstats = filesUnder(join(packages, 'input-cprofile/test/fixtures/pstats'), (n) =>
  n.endsWith('.prof'),
);
const hotshotLogs = filesUnder(join(packages, 'input-hotshot/test/fixtures/hotshot'), (n) =>
  n.endsWith('.hotshot'),
);

describe('lsprof detection among the other formats', () => {
  it('has the fixtures', () => {
    expect(pickles).toHaveLength(23);
    expect(pstats.length).toBeGreaterThan(80);
    expect(hotshotLogs.length).toBeGreaterThan(10);
  });

  it.each(pickles.map((p) => [relative(packages, p), p]))(
    '%s: certain for lsprof, not certain for the others',
    (_name, path) => {
      expect(lsprof.detect(head(path))).toBe('certain');
      expect(cprofile.detect(head(path))).not.toBe('certain');
      expect(hotshot.detect(head(path))).not.toBe('certain');
    },
  );

  it('never claims a pstats dump or a hotshot log', () => {
    for (const path of [...pstats, ...hotshotLogs])
      expect(lsprof.detect(head(path)), relative(packages, path)).toBeUndefined();
  });

  const registry = createRegistry([cprofile, hotshot, lsprof]);

  it('sends a Breezy pickle named .prof to the lsprof reader (content beats extension)', () => {
    const path = join(packages, 'input-lsprof/test/fixtures/lsprof/brz/status.lsprof.pickle');
    expect(registry.resolveInput(head(path), { fileName: 'status.prof' }).name).toBe('lsprof');
    expect(registry.resolveInput(head(path), {}).name).toBe('lsprof');
  });

  it('sends a hostile pickle to the lsprof reader, which refuses it as unsafe', () => {
    // A PROTO opening without the lsprof classes is only `likely` lsprof: it wins over no
    // extension and `.pickle`, while an explicit `.prof` goes to the pstats reader, which
    // refuses it as not a pstats dump. Nothing runs either way.
    const path = join(packages, 'input-lsprof/test/fixtures/bad/forbidden-os-system.pickle');
    const bytes = new Uint8Array(readFileSync(path));
    const outcome = (fileName?: string) => {
      const reader = registry.resolveInput(bytes, fileName ? { fileName } : {});
      try {
        readWith(reader, bytes);
      } catch (error) {
        if (isProfileError(error)) return `${reader.name} ${error.code}`;
        throw error;
      }
      return `${reader.name} read it`;
    };
    expect(outcome()).toBe('lsprof UNSAFE_INPUT');
    expect(outcome('x.pickle')).toBe('lsprof UNSAFE_INPUT');
    expect(outcome('x.lsprof')).toBe('lsprof UNSAFE_INPUT');
    expect(outcome('x.prof')).toBe('cprofile MALFORMED_INPUT');
  });

  it('makes one function of a builtin read from a pstats dump and from an lsprof pickle', () => {
    const fixture = (p: string) => new Uint8Array(readFileSync(join(packages, p)));
    const fromPstats = readWith(
      cprofile,
      fixture('input-cprofile/test/fixtures/pstats/py311/decorators.cprofile.prof'),
    ).whole;
    const fromLsprof = readWith(
      lsprof,
      fixture('input-lsprof/test/fixtures/lsprof/raw/py311-breezy/decorators.lsprof.pickle'),
    ).whole;
    const merged = mergeProfiles([fromPstats, fromLsprof]);
    const rows = (p: typeof merged, label: string) => {
      const out: number[] = [];
      for (let fn = 0; fn < p.functions.length; fn++)
        if (functionKind(p, fn) === 'builtin' && functionName(p, fn) === label) out.push(fn);
      return out;
    };
    const label = '<built-in method builtins.exec>';
    const [a] = rows(fromPstats, label);
    const [b] = rows(fromLsprof, label);
    const both = rows(merged, label);
    expect(both).toHaveLength(1);
    expect(merged.functions.callCount[both[0] as number]).toBe(
      (fromPstats.functions.callCount[a as number] as number) +
        (fromLsprof.functions.callCount[b as number] as number),
    );
  });
});
