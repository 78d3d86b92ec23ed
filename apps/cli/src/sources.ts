/**
 * The profiled program's source files, for readers that scan code (`ReadContext.sources`:
 * sampled stacks tell same-named functions apart by the `def` around each sampled line).
 * Readers are pure, so the CLI reads the files: a path the profile records is looked for
 * in each `--sources DIR` — as recorded, then with its leading folders dropped one by one
 * (`/home/ci/build/app/mod.py` is found as `DIR/app/mod.py`) — and then where it says (an
 * absolute path, or relative to the working folder). Only regular files up to 16 MiB are
 * read, and any failure to read means "no source": reading sources never fails a
 * conversion. The text is only scanned, never run.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { SourceFiles } from '@pyprof/core';

/** Largest source file read. */
export const MAX_SOURCE_FILE_BYTES = 16 * 1024 * 1024;

function readRegularFile(path: string): Uint8Array | undefined {
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size > MAX_SOURCE_FILE_BYTES) return undefined;
    const bytes = readFileSync(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch {
    return undefined;
  }
}

/** Where `recorded` may be, in the order tried. */
export function sourceCandidates(
  recorded: string,
  folders: readonly string[],
  cwd: string,
): string[] {
  const parts = recorded.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  const out: string[] = [];
  for (const folder of folders) {
    for (let k = 0; k < parts.length; k++) out.push(join(folder, ...parts.slice(k)));
  }
  out.push(isAbsolute(recorded) ? recorded : resolve(cwd, recorded));
  return [...new Set(out)];
}

/** Sources from `--sources` folders and the recorded paths. */
export function sourceFiles(folders: readonly string[], cwd: string): SourceFiles {
  return {
    read(recorded) {
      if (recorded === '') return undefined;
      for (const candidate of sourceCandidates(recorded, folders, cwd)) {
        const bytes = readRegularFile(candidate);
        if (bytes) return bytes;
      }
      return undefined;
    },
  };
}
