import os from 'node:os';
import util from 'node:util';
import type { EngineError } from '../file-callback.js';

const SYSTEM_ERRORS = util.getSystemErrorMap();
/** errno names libuv's map lacks (EDQUOT, EMLINK's kin on some builds): the code is still the errno's name. */
const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, errno]) => [-errno, name]));

/**
 * A Node-style error for `-errno` from a system call (an io_uring completion, the addon's link), shaped as Node's fs
 * shapes them: `code`, `errno` (negative), `syscall`, `path` (and `dest` for rename), message
 * `CODE: description, syscall 'path'`.
 */
export function systemError(result: number, syscall: string, path?: string, dest?: string): EngineError {
  const name = ERRNO_NAMES.get(result);
  const [code, description] =
    SYSTEM_ERRORS.get(result) ??
    (name !== undefined ? [name, 'system error'] : [`Unknown system error ${result}`, 'unknown error']);
  let message = `${code}: ${description}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const error: EngineError = new Error(message);
  error.errno = result;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  if (dest !== undefined) (error as EngineError & { dest?: string }).dest = dest;
  return error;
}

/**
 * A Node-style error for the errno `code` with a message of its own (`EIO: write made no progress, write '/x'`), for a
 * failure the engine detects itself.
 */
export function errnoError(code: string, syscall: string, target: string, detail: string): EngineError {
  const errno = (os.constants.errno as Record<string, number>)[code];
  const error: EngineError = new Error(`${code}: ${detail}, ${syscall} '${target}'`);
  error.code = code;
  error.syscall = syscall;
  error.path = target;
  if (errno !== undefined) error.errno = -errno;
  return error;
}
