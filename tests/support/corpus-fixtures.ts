// Shared by the readers' tests: the corpus manifest (corpus/manifest.json lists every
// committed profile with its kind and sidecar names) and loading fixtures and sidecars
// from a package's test/fixtures folder (sidecars over 16 KiB are stored gzip-compressed).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export interface ManifestEntry {
  file: string;
  kind: string;
  python: string;
  producer: string;
  program: string;
  options: string;
  sidecars: Record<string, string>;
}

const manifestPath = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'corpus',
  'manifest.json',
);

/** Every corpus file of `kind` (`pstats`, `hotshot`, `lsprof-pickle`, …). */
export function corpusFiles(kind: string): ManifestEntry[] {
  const files = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: ManifestEntry[] })
    .files;
  return files.filter((entry) => entry.kind === kind);
}

/** Readers for one package's fixtures folder. */
export function fixtureFolder(fixturesDir: string) {
  const readSidecar = (relative: string): Buffer => {
    const bytes = readFileSync(join(fixturesDir, relative));
    return relative.endsWith('.gz') ? gunzipSync(bytes) : bytes;
  };
  return {
    readFixture: (relative: string): Uint8Array =>
      new Uint8Array(readFileSync(join(fixturesDir, relative))),
    readSidecar,
    /** The entry's oracle (its `oracle` sidecar), parsed. */
    readOracle: <T>(entry: ManifestEntry): T =>
      JSON.parse(readSidecar(entry.sidecars.oracle as string).toString('utf8')) as T,
  };
}

/** Every file below `folder` whose name passes `keep`, sorted. */
export function filesUnder(folder: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(name)) out.push(path);
  }
  return out.sort();
}
