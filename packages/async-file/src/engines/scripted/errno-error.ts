import { getSystemErrorMap } from 'node:util';
import type { EngineError } from '../../file-engine.js';

/** errno name -> [negative errno, libuv description], from the running platform (the same table Node's fs uses). */
const ERRNO_BY_CODE = new Map<string, readonly [number, string]>();
for (const [errno, [code, description]] of getSystemErrorMap()) {
  if (!ERRNO_BY_CODE.has(code)) ERRNO_BY_CODE.set(code, [errno, description]);
}

/** The errors this module created: the engine tells them from bugs of its own (which must not reach a callback). */
const created = new WeakSet<Error>();

/**
 * Tells whether `code` is an errno name this platform knows (`ENOENT`, `EIO`, `ECANCELED`, ...).
 *
 * @param code - the value to check.
 * @returns true for a known errno name.
 */
export function isErrnoCode(code: unknown): code is string {
  return typeof code === 'string' && ERRNO_BY_CODE.has(code);
}

/**
 * Creates an error shaped like the ones Node's fs reports: `code`, negative `errno`, `syscall`, and `path`/`dest` when
 * given, with the message `ENOENT: no such file or directory, open '/x'`.
 *
 * @param code - an errno name; must satisfy {@link isErrnoCode}.
 * @param syscall - the system call that failed: `open`, `read`, `rename`, ...
 * @param path - the path the call was about, if any.
 * @param dest - the second path (rename), if any.
 * @returns the error, not thrown.
 * @throws TypeError if `code` is not an errno name this platform knows.
 */
export function createErrnoError(code: string, syscall: string, path?: string, dest?: string): EngineError {
  const entry = ERRNO_BY_CODE.get(code);
  if (entry === undefined) {
    throw new TypeError(`Expected an errno name such as 'EIO', got \`${JSON.stringify(code)}\``);
  }
  const [errno, description] = entry;
  let message = `${code}: ${description}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  // Node's fs errors carry `dest` (rename, link); NodeJS.ErrnoException does not declare it
  const error: EngineError & { dest?: string } = new Error(message);
  error.errno = errno;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  if (dest !== undefined) error.dest = dest;
  created.add(error);
  return error;
}

/**
 * Tells whether `value` was made by {@link createErrnoError}: an expected failure, not a bug in the engine.
 *
 * @param value - what a system call method threw.
 * @returns true for an error of this module.
 */
export function isErrnoError(value: unknown): value is EngineError {
  return value instanceof Error && created.has(value);
}
