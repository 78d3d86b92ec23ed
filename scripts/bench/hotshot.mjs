// Issue 4's benchmark: big hotshot logs of a realistic workload, written by Python 2.7's
// own hotshot (make_hotshot.py), in both modes — default (no line events) and
// lineevents=1 — converted to callgrind by the pyprof CLI against `hotshot.stats.load`
// on the same log (whole processes, median of BENCH_RUNS, default 3); then pyprof's peak
// RSS on a small and a big log, which streaming must keep about equal.
// Targets: ≥ 20× faster than hotshot.stats.load; peak RSS of the 100 MB and 1 GB logs
// within max(10%, 20 MB) of each other.
//
// Sizes: HOTSHOT_MB (speed logs, default 300), HOTSHOT_RSS_MB (default "100,1024").
// While the CLI cannot convert hotshot to callgrind yet, the pyprof side is this script
// run as `node hotshot.mjs --read LOG`: the built packages' readStreamWith over a file
// stream, with the needs callgrind declares (so reading only), and the table says so.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cli,
  compare,
  ensureBuilt,
  measure,
  outDir,
  printPeakRss,
  python,
  root,
  table,
} from './lib.mjs';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--read') {
  // The fallback harness: read one log, streamed, and print what was read.
  const { readStreamWith } = await import('../../packages/core/dist/index.js');
  const { hotshot } = await import('../../packages/input-hotshot/dist/index.js');
  const set = await readStreamWith(
    hotshot,
    createReadStream(process.argv[3], { highWaterMark: 1 << 20 }),
    { needs: { lines: true } },
  );
  const p = set.whole;
  process.stdout.write(`${p.functions.length} functions, ${p.calls.length} edges\n`);
  process.exit(0);
}

const runs = Number(process.env.BENCH_RUNS ?? 3);
const speedMb = Number(process.env.HOTSHOT_MB ?? 300);
const rssMb = (process.env.HOTSHOT_RSS_MB ?? '100,1024').split(',').map(Number);
const py27 = python('2.7.18');

/** A log of about `mb` MB in `mode` (made once, kept in bench-out/). */
function log(mode, mb) {
  const file = join(outDir, `hotshot-${mode}-${mb}mb.hotshot`);
  if (!existsSync(file)) {
    console.error(`generating ${file} …`);
    measure(py27, [join(root, 'scripts', 'bench', 'make_hotshot.py'), file, String(mb), mode]);
  }
  return file;
}

const megabytes = (file) => statSync(file).size / 1024 / 1024;

ensureBuilt();
const scratch = mkdtempSync(join(tmpdir(), 'pyprof-bench-'));
const probe = join(root, 'packages', 'input-hotshot', 'test', 'fixtures', 'hotshot', 'py27');
const cliConverts =
  spawnSync(
    process.execPath,
    [
      cli,
      'convert',
      join(probe, 'decorators.hotshot'),
      '--to',
      'callgrind',
      '-o',
      join(scratch, 'probe'),
    ],
    { encoding: 'utf8' },
  ).status === 0;
const pyprofName = cliConverts
  ? 'pyprof convert --to callgrind (CLI)'
  : 'pyprof read only (harness: readStreamWith)';
const pyprof = (file) =>
  cliConverts
    ? measure(process.execPath, [
        cli,
        'convert',
        file,
        '--to',
        'callgrind',
        // Logs of hundreds of MB pass the default 128 MiB input budget (decision 0011).
        '--max-input',
        '4GiB',
        '-o',
        join(scratch, 'out'),
      ])
    : measure(process.execPath, [self, '--read', file]);

const rows = [];
const ratios = [];
for (const mode of ['default', 'lines']) {
  const file = log(mode, speedMb);
  const results = compare(
    {
      pyprof: () => pyprof(file),
      'hotshot.stats.load': () =>
        measure(py27, ['-c', 'import sys, hotshot.stats; hotshot.stats.load(sys.argv[1])', file]),
    },
    runs,
  );
  const ratio = results['hotshot.stats.load'].seconds / results.pyprof.seconds;
  ratios.push([mode, ratio]);
  for (const [tool, r] of [
    [pyprofName, results.pyprof],
    ['python2.7 hotshot.stats.load', results['hotshot.stats.load']],
  ]) {
    rows.push([
      mode === 'default' ? 'default' : 'lineevents=1',
      `${megabytes(file).toFixed(0)} MB`,
      tool,
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
    ]);
  }
}

console.log(`\n### hotshot: convert vs hotshot.stats.load, median of ${runs}\n`);
console.log(table(['log', 'size', 'tool', 'wall time', 'peak RSS'], rows));
for (const [mode, ratio] of ratios)
  console.log(`\n${mode}: pyprof is ${ratio.toFixed(1)}× faster (target ≥ 20×)`);

const memory = rssMb.map((mb) => {
  const file = log('default', mb);
  const r = compare({ pyprof: () => pyprof(file) }, runs).pyprof;
  return { file, size: megabytes(file), ...r };
});
printPeakRss(`hotshot: peak RSS by log size (${pyprofName}), median of ${runs}`, memory);
if (!cliConverts)
  console.log(
    '\nnote: the CLI cannot convert hotshot logs to callgrind yet; pyprof was timed reading only.',
  );
rmSync(scratch, { recursive: true, force: true });
