// Runs the CLI in-process with real streams (no mocks) and collects what it wrote.
import { PassThrough, Readable } from 'node:stream';
import { type Io, main } from '../src/main.js';

export async function runCli(
  args: string[],
  stdin: Uint8Array = new Uint8Array(),
  extra: Partial<Pick<Io, 'stdoutTerminal' | 'stderrTerminal' | 'cwd' | 'env'>> = {},
): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(args, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout,
    stderr,
    env: {},
    ...extra,
  });
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code };
}
