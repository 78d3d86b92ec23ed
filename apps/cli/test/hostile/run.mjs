// Runs one hostile case (cases.mjs) as a child process of the real CLI: its arguments,
// its standard input, a previous file at its target; reports exit status, stderr, what
// the folder holds afterwards and, through GNU time (`/usr/bin/time -f '%e %M'`, from
// outside the process), wall time and peak RSS. Shared by the test and the benchmark.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export const PRIOR = 'the previous output, which a failed conversion must leave alone\n';

/**
 * Runs `testCase` with `cli` (apps/cli/dist/cli.js) in the empty folder `dir`. `timeout`
 * (ms) kills a case that hangs (status null). `measure` wraps it in /usr/bin/time.
 */
export async function runCase(testCase, { cli, dir, timeout = 120_000, measure = false }) {
  const run = testCase.make(dir);
  const args = ['convert', ...run.args];
  const target = join(dir, 'out.txt');
  if (testCase.output !== false) {
    writeFileSync(target, PRIOR);
    args.push('-o', target);
  }
  const prior = run.prior ?? (testCase.output !== false ? target : undefined);
  const priorBytes = prior === undefined ? undefined : readFileSync(prior);
  const timeFile = join(dir, '.time');
  const command = measure ? '/usr/bin/time' : process.execPath;
  const commandArgs = measure
    ? ['-o', timeFile, '-f', '%e %M %U %S', process.execPath, cli, ...args]
    : [cli, ...args];
  const stdinFd = typeof run.stdin === 'string' ? openSync(run.stdin, 'r') : undefined;
  const before = new Set(readdirSync(dir));
  const child = spawn(command, commandArgs, {
    cwd: dir,
    stdio: [stdinFd ?? (run.stdin ? 'pipe' : 'ignore'), 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (stdinFd !== undefined) closeSync(stdinFd);
  if (typeof run.stdin === 'function') run.stdin(child.stdin);
  const errors = [];
  child.stderr.on('data', (chunk) => errors.push(chunk));
  const started = process.hrtime.bigint();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
  const [status, signal] = await new Promise((resolve) =>
    child.on('close', (code, killed) => resolve([code, killed])),
  );
  clearTimeout(timer);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  let seconds = elapsed;
  let peakMb;
  let cpuSeconds;
  if (measure && existsSync(timeFile)) {
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [wall, rssKb, user, system] = last.split(' ').map(Number);
    if (Number.isFinite(wall)) seconds = wall;
    if (Number.isFinite(rssKb)) peakMb = rssKb / 1024;
    if (Number.isFinite(user) && Number.isFinite(system)) cpuSeconds = user + system;
    rmSync(timeFile);
  }
  const after = readdirSync(dir).filter((name) => name !== '.time');
  return {
    status,
    signal,
    stderr: Buffer.concat(errors).toString('utf8'),
    seconds,
    /** User + system CPU time (with `measure`): what the case costs whatever the load. */
    cpuSeconds,
    peakMb,
    /** Files the run left that were not there before it, `out.txt` aside. */
    leftBehind: after.filter((name) => !before.has(name) && name !== 'out.txt'),
    /** The previous file at the target, as the run left it, or undefined when gone. */
    priorAfter: prior === undefined || !existsSync(prior) ? undefined : readFileSync(prior),
    priorBytes,
  };
}
