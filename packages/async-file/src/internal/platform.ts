import os from 'node:os';
import type { EngineError } from '../file-engine.js';

let simulated: NodeJS.Platform | undefined;

/**
 * The operating system the file backend adapts to: `process.platform`, unless a test simulates another one.
 *
 * @returns `'linux'`, `'darwin'`, `'win32'`, ...
 * @remarks
 * Read at each call (not once at load), so a test can simulate a platform around the calls it makes.
 */
export function currentPlatform(): NodeJS.Platform {
  return simulated ?? process.platform;
}

/**
 * Makes {@link currentPlatform} report `platform` until the returned function is called: how tests check, on Linux,
 * what another platform's users get (an ENOTSUP error instead of a call through `/proc`).
 *
 * @param platform - the platform to report.
 * @returns the function that restores what was reported before (call it once, in a `finally`).
 */
export function simulatePlatform(platform: NodeJS.Platform): () => void {
  const previous = simulated;
  simulated = platform;
  return () => {
    simulated = previous;
  };
}

/**
 * The ENOTSUP error of a file action that needs something this platform lacks (Linux's `/proc`), shaped like Node's
 * own errors (`code`, `errno`, `syscall`, `path`).
 *
 * @param syscall - the call that would have run (`link`, `open`).
 * @param target - the path it would have used.
 * @param needs - what is missing, e.g. "naming an open file needs Linux's /proc/<pid>/fd".
 */
export function unsupportedOnPlatform(syscall: string, target: string, needs: string): EngineError {
  const error: EngineError = new Error(
    `ENOTSUP: ${needs} (platform ${currentPlatform()}; see the README's "Platforms"), ${syscall} '${target}'`,
  );
  error.code = 'ENOTSUP';
  error.syscall = syscall;
  error.path = target;
  const errno = (os.constants.errno as Record<string, number>)['ENOTSUP'];
  if (errno !== undefined) error.errno = -errno;
  return error;
}
