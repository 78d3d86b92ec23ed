/**
 * Temporary files are removed on every way out the process can notice. The output writer
 * registers its temporary file while it exists (`keepTrackOf` / `forget`); `removeAll`
 * deletes what is registered, synchronously, so it can run from an `exit` handler. The
 * executable (cli.ts) calls `removeOnExit` once: on a normal exit, an uncaught error (a
 * closed stderr, say), and on SIGINT, SIGTERM and SIGHUP, after which the signal is
 * raised again with its default action, so the parent still sees the process killed by
 * it (status 128 + signal number in a shell). A broken pipe on stdout is an error the
 * writer handles (EPIPE; Node ignores SIGPIPE). What no process can catch — SIGKILL, the
 * engine aborting — can still leave a `.*.pyprof-tmp` file; the budgets (core's
 * limits.ts) are what keeps the engine from aborting.
 */
import { rmSync } from 'node:fs';

const temporary = new Set<string>();

/** Registers a temporary file (or folder) to remove if the process ends before `forget`. */
export function keepTrackOf(path: string): void {
  temporary.add(path);
}

/** The file was renamed into place or removed: nothing to clean up any more. */
export function forget(path: string): void {
  temporary.delete(path);
}

/** The temporary files registered now (for tests). */
export function trackedFiles(): readonly string[] {
  return [...temporary];
}

/** Removes every registered temporary file (errors ignored: this runs on the way out). */
export function removeAll(): void {
  for (const path of temporary) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Nothing more can be done on the way out.
    }
  }
  temporary.clear();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Installs the process-wide handlers (see the file comment); once, from the executable. */
export function removeOnExit(): void {
  process.on('exit', removeAll);
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      removeAll();
      // Die of the signal, as without a handler: remove ours and raise it again.
      for (const other of SIGNALS) process.removeAllListeners(other);
      process.kill(process.pid, signal);
    });
  }
}
