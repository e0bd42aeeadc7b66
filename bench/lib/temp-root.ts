import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary directory that a benchmark owns, and removes at the end even if it fails. */
export interface TempRoot {
  readonly path: string;
  /** Removes the directory and everything in it (idempotent); returns how long it took, in ms. */
  remove(): number;
}

/**
 * Creates a fresh directory under the system's temporary directory. Call remove() in a `finally`; as a last resort the
 * directory is also removed when the process exits normally, through an uncaught exception, or on SIGINT/SIGTERM
 * (not on SIGKILL: a benchmark must end within its budget).
 */
export function createTempRoot(prefix: string): TempRoot {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  let removed = false;
  const remove = (): number => {
    if (removed) return 0;
    removed = true;
    process.off('exit', remove);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const start = performance.now();
    rmSync(root, { recursive: true, force: true });
    return performance.now() - start;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    process.kill(process.pid, signal); // the default action, now that the handler is gone
  };
  process.on('exit', remove);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { path: root, remove };
}
