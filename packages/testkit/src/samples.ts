/**
 * One small file of every format pyprof reads or writes (fixtures/, provenance in its
 * README), so a reader can be shown the files it must never claim: the other formats'
 * readers' inputs and the writers' outputs. Read from the package folder (src/ and dist/
 * both sit one level below it), so third-party suites get the same files.
 */
import { readFileSync } from 'node:fs';

export interface FormatSample {
  /** The file's name in the testkit's fixtures folder. */
  readonly name: string;
  /** The plugin name of the format: its reader's (`cprofile`) or, for output-only formats, its writer's (`callgrind`). */
  readonly format: string;
  readonly bytes: Uint8Array;
}

const FILES: ReadonlyArray<readonly [name: string, format: string]> = [
  ['recursion.py312.cprofile.prof', 'cprofile'],
  ['decorators.py27.cprofile.prof', 'cprofile'],
  ['decorators.lines.py27.hotshot', 'hotshot'],
  ['recursion.py27.lsprof.pickle', 'lsprof'],
  ['recursion.wall.ystat', 'yappi'],
  ['recursion.py311.lprof', 'line-profiler'],
  ['austin2.austin', 'collapsed'],
  ['flamegraph.folded', 'collapsed'],
  ['callgrind.out.diamond', 'callgrind'],
  ['diamond.speedscope.json', 'speedscope'],
  ['timeline.trace.json', 'chrome-trace'],
  ['diamond.pb.gz', 'pprof'],
  ['diamond.table.txt', 'text'],
  ['diamond.pstats.txt', 'text'],
];

let cached: readonly FormatSample[] | undefined;

/** The samples, every built-in format at least once. */
export function formatSamples(): readonly FormatSample[] {
  cached ??= FILES.map(([name, format]) => ({
    name,
    format,
    bytes: new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url))),
  }));
  return cached;
}
