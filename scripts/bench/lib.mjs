// Shared helpers for the benchmark scripts: run a whole process under /usr/bin/time to
// get wall time and peak RSS, take medians, find the pyenv interpreters (or skip), print
// tables.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const outDir = join(root, 'bench-out');
mkdirSync(outDir, { recursive: true });
export const cli = join(root, 'apps', 'cli', 'dist', 'cli.js');

/** The exit status of a benchmark that skipped itself (run.mjs counts it as skipped). */
export const SKIPPED = 3;

/**
 * Ends the benchmark as skipped, saying why, unless `path` exists: for the comparisons
 * that need a tool besides Node (a Python, pyprof2calltree, chromium).
 */
export function requireTool(path, what) {
  if (existsSync(path)) return path;
  console.log(`skipped: needs ${what} at ${path}`);
  process.exit(SKIPPED);
}

/** A CPython from pyenv (e.g. '3.11.7', '2.7.18'), or PYPROF_PYTHON_<major><minor>. */
export function python(version) {
  const [major, minor] = version.split('.');
  const fromEnv = process.env[`PYPROF_PYTHON_${major}${minor}`];
  if (fromEnv) return fromEnv;
  return requireTool(
    join(homedir(), '.pyenv', 'versions', version, 'bin', 'python'),
    `Python ${version} (or set PYPROF_PYTHON_${major}${minor})`,
  );
}

/** Runs a command under /usr/bin/time; returns wall seconds, peak RSS (MB) and stdout. */
export function measure(command, args, options = {}) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    ...options,
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`,
    );
  const last = result.stderr.trim().split('\n').pop() ?? '';
  const [wall, rssKb] = last.split(' ').map(Number);
  return { seconds: wall, peakMb: rssKb / 1024, stdout: result.stdout };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs each named command `runs` times, alternating between them; returns medians. */
export function compare(commands, runs) {
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, run] of Object.entries(commands)) samples[name].push(run());
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [
      name,
      {
        seconds: median(list.map((s) => s.seconds)),
        peakMb: median(list.map((s) => s.peakMb)),
        ...(list[0].parseMs !== undefined ? { parseMs: median(list.map((s) => s.parseMs)) } : {}),
      },
    ]),
  );
}

export function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The table of a reader benchmark: in-process read time, whole process, peak RSS. */
export function readerTable(results) {
  return table(
    ['tool', 'read (in-process)', 'whole process', 'peak RSS'],
    Object.entries(results).map(([name, r]) => [
      name,
      `${(r.parseMs / 1000).toFixed(2)} s`,
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
    ]),
  );
}

export function ensureBuilt() {
  if (!existsSync(cli)) execFileSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

/**
 * The benchmarks' shared input: a realistic 100k-function, ~1M-edge pstats dump, generated
 * once into bench-out/ in JavaScript (inputs.mjs, no Python).
 */
export async function pstats100k() {
  ensureBuilt();
  const { pstatsDump } = await import('./inputs.mjs');
  return pstatsDump(100_000, 1_000_000, 1);
}

/**
 * The streaming check of the readers' benchmarks: peak RSS by input size (`memory`: size
 * in MB, seconds, peakMb per input, smallest first), and whether the smallest and the
 * biggest input's peaks are within max(10%, 20 MB) of each other.
 */
export function printPeakRss(title, memory) {
  console.log(`\n### ${title}\n`);
  console.log(
    table(
      ['log size', 'wall time', 'peak RSS'],
      memory.map((m) => [
        `${m.size.toFixed(0)} MB`,
        `${m.seconds.toFixed(2)} s`,
        `${m.peakMb.toFixed(0)} MB`,
      ]),
    ),
  );
  if (memory.length < 2) return;
  const small = memory[0];
  const big = memory[memory.length - 1];
  const allowed = Math.max(0.1 * Math.min(small.peakMb, big.peakMb), 20);
  const difference = Math.abs(big.peakMb - small.peakMb);
  console.log(
    `\npeak RSS ${small.size.toFixed(0)} MB log vs ${big.size.toFixed(0)} MB log: differ by ${difference.toFixed(0)} MB (allowed max(10%, 20 MB) = ${allowed.toFixed(0)} MB): ${difference <= allowed ? 'ok' : 'MISSED'}`,
  );
}
