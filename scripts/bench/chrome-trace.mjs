// Issue 21's benchmark for Chrome traces: hotshot logs of the realistic workload written by
// Python 2.7's own hotshot (make_hotshot.py, as hotshot.mjs makes them) converted by the CLI
// (`pyprof convert LOG --to chrome-trace -o -`, whole processes, median of BENCH_RUNS,
// default 3), the trace piped into `wc -c` so gigabytes of output need no disk. The trace is
// written while the log is read (streamed timeline), so peak memory must not grow with the
// log: target, the 300 MB log's peak RSS within 20 MB of the 30 MB log's.
//
// Sizes: CHROME_TRACE_MB (default "30,300").
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ensureBuilt, median, outDir, python, root, table } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = (process.env.CHROME_TRACE_MB ?? '30,300').split(',').map(Number);

/** A default-mode log of about `mb` MB (made once, kept in bench-out/, shared with hotshot.mjs). */
function log(mb) {
  const file = join(outDir, `hotshot-default-${mb}mb.hotshot`);
  if (!existsSync(file)) {
    console.error(`generating ${file} …`);
    const made = spawnSync(python('2.7.18'), [
      join(root, 'scripts', 'bench', 'make_hotshot.py'),
      file,
      String(mb),
      'default',
    ]);
    if (made.status !== 0) throw new Error(`make_hotshot.py failed: ${made.stderr}`);
  }
  return file;
}

/**
 * One conversion: wall seconds and peak RSS of the CLI, and the trace's size in bytes (with
 * `--max-input`: a 300 MB log passes the default 128 MiB input budget, decision 0011).
 */
function convert(file) {
  const script = `/usr/bin/time -f '%e %M' "$0" "$1" convert "$2" --to chrome-trace --max-input 4GiB -o - --quiet | wc -c`;
  const result = spawnSync('sh', ['-c', script, process.execPath, cli, file], {
    encoding: 'utf8',
  });
  const last = result.stderr.trim().split('\n').pop() ?? '';
  const [seconds, rssKb] = last.split(' ').map(Number);
  if (result.status !== 0 || !Number.isFinite(seconds))
    throw new Error(`conversion of ${file} failed: ${result.stderr.slice(-2000)}`);
  return { seconds, peakMb: rssKb / 1024, bytes: Number(result.stdout.trim()) };
}

ensureBuilt();
const rows = [];
const peaks = [];
for (const mb of sizes) {
  const file = log(mb);
  const samples = [];
  for (let k = 0; k < runs; k++) samples.push(convert(file));
  const seconds = median(samples.map((s) => s.seconds));
  const peakMb = median(samples.map((s) => s.peakMb));
  const logMb = statSync(file).size / 1024 / 1024;
  peaks.push({ logMb, peakMb });
  rows.push([
    `${logMb.toFixed(0)} MB`,
    `${(samples[0].bytes / 1024 / 1024 / 1024).toFixed(2)} GB`,
    `${seconds.toFixed(1)} s`,
    `${(logMb / seconds).toFixed(1)} MB/s`,
    `${peakMb.toFixed(0)} MB`,
  ]);
}

console.log(
  `\n### chrome-trace: hotshot log → pyprof convert --to chrome-trace -o - | wc -c, median of ${runs}\n`,
);
console.log(table(['log', 'trace', 'wall time', 'log read', 'peak RSS'], rows));
if (peaks.length >= 2) {
  const small = peaks[0];
  const big = peaks[peaks.length - 1];
  const difference = big.peakMb - small.peakMb;
  console.log(
    `\npeak RSS ${big.logMb.toFixed(0)} MB log vs ${small.logMb.toFixed(0)} MB log: ${difference >= 0 ? '+' : ''}${difference.toFixed(0)} MB (target: within 20 MB): ${Math.abs(difference) <= 20 ? 'ok' : 'MISSED'}`,
  );
}
