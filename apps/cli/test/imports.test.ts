// The CLI stays thin: reading, gzip, merging, thread selection and resolving what a writer
// needs are core's `convert` (so library users and the web page get the same conversion),
// and the CLI may not quietly grow its own copy. This reads the CLI's sources and checks
// what they import: from @pyprof/core only the pipeline's entry points, the registry and
// what argument parsing, errors and printing need; from the plugin packages only the
// plugin objects (and speedscope's viewer loader); never node:zlib.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInputPlugin, isOutputPlugin } from '@pyprof/core';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Value (not type-only) names each source imports, by module. */
function imports(): Array<{ file: string; module: string; names: string[]; namespace: boolean }> {
  const out: Array<{ file: string; module: string; names: string[]; namespace: boolean }> = [];
  for (const file of readdirSync(src).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(src, file), 'utf8');
    for (const m of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'/gms)) {
      if (m[1]) continue; // `import type { … }`
      const clause = m[2] as string;
      const braces = /\{([^}]*)\}/.exec(clause);
      const names = (braces?.[1] ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '' && !n.startsWith('type '))
        .map((n) => n.split(/\s+as\s+/)[0] as string);
      out.push({ file, module: m[3] as string, names, namespace: clause.includes('*') });
    }
    for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) {
      out.push({ file, module: m[1] as string, names: ['(dynamic)'], namespace: true });
    }
  }
  return out;
}

/** What the CLI may take from core: the pipeline, the registry, errors, printing. */
const CORE_ALLOWED = new Set([
  'convert',
  'loadProfiles',
  // pyprof diff's pipeline, and the filter transform built from the filter flags
  'compareProfiles',
  'filterTransform',
  'patternPredicate',
  'isStdlibFunction',
  'isProfilerFunction',
  'invalidOption',
  'createRegistry',
  'Diagnostics',
  'isInputPlugin',
  'isOutputPlugin',
  'isProfileError',
  'ProfileError',
  'formatPlace',
  'optionsTable',
  'defineOutputPlugin',
  'printProfileSet',
  'encodeText',
  'totalCalls',
  'totalSelfTime',
  'costUnitOf',
  'parseByteSize',
]);

/**
 * From a plugin package the CLI takes only plugin objects (what the registry holds: any
 * export that is an input or output plugin, so a new format needs no entry here), plus
 * these named helpers.
 */
const PLUGIN_EXTRAS: Record<string, string[]> = {
  '@pyprof/output-speedscope': ['speedscopeLoaderScript'],
};

async function isPluginExport(module: string, name: string): Promise<boolean> {
  const exported = ((await import(module)) as Record<string, unknown>)[name];
  return isInputPlugin(exported) || isOutputPlugin(exported);
}

describe('the CLI imports only the pipeline from core', () => {
  const all = imports();

  it('finds the imports it checks', () => {
    expect(all.some((i) => i.module === '@pyprof/core' && i.names.includes('convert'))).toBe(true);
  });

  it('takes from @pyprof/core only convert, the registry and what printing needs', () => {
    const extra = all
      .filter((i) => i.module === '@pyprof/core')
      .flatMap((i) => [
        ...(i.namespace ? [`${i.file}: a namespace or dynamic import`] : []),
        ...i.names.filter((n) => !CORE_ALLOWED.has(n)).map((n) => `${i.file}: ${n}`),
      ]);
    // e.g. readWith, readStreamWith, mergeProfileSets, makeProfileSet, outputNeeds,
    // combineNeeds, resolveOptions, validateProfile, writeChunks, gunzip: core's work.
    expect(extra).toEqual([]);
  });

  it("takes from the plugin packages only their plugins, never a reader's internals", async () => {
    const extra: string[] = [];
    for (const i of all.filter(
      (i) => i.module.startsWith('@pyprof/') && i.module !== '@pyprof/core',
    )) {
      for (const n of i.namespace ? ['*'] : i.names) {
        const allowed =
          n !== '*' &&
          ((PLUGIN_EXTRAS[i.module] ?? []).includes(n) || (await isPluginExport(i.module, n)));
        if (!allowed) extra.push(`${i.file}: ${n} from ${i.module}`);
      }
    }
    expect(extra).toEqual([]);
    expect(all.some((i) => i.module === '@pyprof/input-cprofile')).toBe(true);
  });

  it('leaves gzip to core', () => {
    expect(all.filter((i) => i.module === 'node:zlib' || i.module === 'zlib')).toEqual([]);
  });
});
