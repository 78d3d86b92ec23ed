// Issue 23's benchmark: big austin logs (austin writes one line per sample, so a long run
// is gigabytes of lines over a few thousand distinct stacks), made by repeating the lines
// of the real austin fixtures, converted to callgrind by the pyprof CLI (streamed: the
// inputs are above its 32 MB threshold) against the least any reader must do — Python
// counting the lines per stack with collections.Counter, what speedscope's importer and
// flamegraph.pl's first pass do. Then pyprof's peak RSS on a small and a big log, which
// streaming must keep about equal (memory grows with distinct stacks, not with lines).
// Target: peak RSS of the 100 MB and 1 GB logs within max(10%, 20 MB) of each other. The
// line count is for scale only: it parses no frame and writes nothing (measured on a busy
// 2-core machine: pyprof 1.0 s of CPU for 100 MB, the line count 0.35 s).
//
// Sizes: COLLAPSED_MB (speed log, default 300), COLLAPSED_RSS_MB (default "100,1024").
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const runs = Number(process.env.BENCH_RUNS ?? 3);
const speedMb = Number(process.env.COLLAPSED_MB ?? 300);
const rssMb = (process.env.COLLAPSED_RSS_MB ?? '100,1024').split(',').map(Number);
const fixtures = join(root, 'packages', 'input-collapsed', 'test', 'fixtures', 'austin');
const seeds = ['medium.py38.austin', 'threads.py36.austin', 'recursion.py37.austin'];

/** A log of about `mb` MB: the fixtures' lines, over and over (made once, kept). */
async function log(mb) {
  const file = join(outDir, `austin-${mb}mb.austin`);
  if (existsSync(file)) return file;
  console.error(`generating ${file} …`);
  const block = Buffer.concat(seeds.map((name) => readFileSync(join(fixtures, name))));
  const out = createWriteStream(file);
  for (let written = 0; written < mb * 1024 * 1024; written += block.length) {
    if (!out.write(block)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  return file;
}

const megabytes = (file) => statSync(file).size / 1024 / 1024;
const COUNTER = [
  '-c',
  'import sys, collections\n' +
    'c = collections.Counter()\n' +
    'with open(sys.argv[1], "rb") as f:\n' +
    '    for line in f:\n' +
    '        stack, _, n = line.rstrip().rpartition(b" ")\n' +
    '        c[stack] += int(n)\n' +
    'print(len(c))',
];

ensureBuilt();
const scratch = mkdtempSync(join(tmpdir(), 'pyprof-bench-'));
const pyprof = (file) =>
  measure(process.execPath, [
    cli,
    'convert',
    file,
    '--to',
    'callgrind',
    '--sources',
    fixtures,
    // Files of hundreds of MB pass the default 128 MiB input budget (decision 0011).
    '--max-input',
    '4GiB',
    '-o',
    join(scratch, 'out'),
    '--quiet',
  ]);
const py = python('3.11.7');

const file = await log(speedMb);
const results = compare(
  { pyprof: () => pyprof(file), counter: () => measure(py, [...COUNTER, file]) },
  runs,
);
console.log(`\n### collapsed: convert vs a Python line count, median of ${runs}\n`);
console.log(
  table(
    ['log', 'tool', 'wall time', 'peak RSS'],
    [
      ['pyprof convert --to callgrind --sources (CLI, streamed)', results.pyprof],
      ['python3.11 collections.Counter of the lines', results.counter],
    ].map(([tool, r]) => [
      `${megabytes(file).toFixed(0)} MB`,
      tool,
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
    ]),
  ),
);
console.log(
  `\npyprof takes ${(results.pyprof.seconds / results.counter.seconds).toFixed(1)}× the time of the bare line count (for scale: it parses every stack and writes callgrind)`,
);

const memory = [];
for (const mb of rssMb) {
  const big = await log(mb);
  memory.push({ size: megabytes(big), ...compare({ pyprof: () => pyprof(big) }, runs).pyprof });
}
printPeakRss(`collapsed: peak RSS by log size, median of ${runs}`, memory);
rmSync(scratch, { recursive: true, force: true });
