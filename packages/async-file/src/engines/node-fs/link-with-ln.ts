import { execFile } from 'node:child_process';
import os from 'node:os';
import type { FileCallback, EngineError } from '../../file-engine.js';
import { systemError } from '../../internal/errno-error.js';

/**
 * glibc's strerror() texts, as `ln` prints them after its own message, and the errno each stands for: every error
 * linkat(2) documents, and those of starting the child (no descriptor left, no memory).
 */
const LN_MESSAGES: readonly (readonly [text: string, code: string])[] = [
  ['File exists', 'EEXIST'],
  ['No such file or directory', 'ENOENT'],
  ['Permission denied', 'EACCES'],
  ['Operation not permitted', 'EPERM'],
  ['Not a directory', 'ENOTDIR'],
  ['Is a directory', 'EISDIR'],
  ['Invalid cross-device link', 'EXDEV'],
  ['Read-only file system', 'EROFS'],
  ['File name too long', 'ENAMETOOLONG'],
  ['Too many open files in system', 'ENFILE'],
  ['Too many open files', 'EMFILE'],
  ['No space left on device', 'ENOSPC'],
  ['Disk quota exceeded', 'EDQUOT'],
  ['Too many links', 'EMLINK'],
  ['Too many levels of symbolic links', 'ELOOP'],
  ['Bad file descriptor', 'EBADF'],
  ['Invalid argument', 'EINVAL'],
  ['Cannot allocate memory', 'ENOMEM'],
  ['Resource temporarily unavailable', 'EAGAIN'],
  ['Input/output error', 'EIO'],
];

const ERRNO = os.constants.errno as Readonly<Record<string, number>>;

/** The error link(2) would have reported, as `-errno`, for what `ln` printed; EIO for a message it does not know. */
export function lnErrno(stderr: string): number {
  for (const [text, code] of LN_MESSAGES) {
    if (stderr.includes(text)) return -(ERRNO[code] ?? ERRNO['EIO'] ?? 5);
  }
  return -(ERRNO['EIO'] ?? 5);
}

/**
 * The error of a failed `ln` run: the spawn's own errno (EMFILE, EAGAIN, ENOMEM when the child could not start; ENOENT
 * when there is no `ln`), else the errno its message names.
 */
export function lnError(error: { readonly code?: unknown }, stderr: string, newPath: string): EngineError {
  const spawnCode = typeof error.code === 'string' ? ERRNO[error.code] : undefined;
  const result = spawnCode !== undefined ? -spawnCode : lnErrno(stderr);
  const engineError = systemError(result, 'link', newPath);
  if (spawnCode !== undefined) engineError.message += ' (spawning ln failed)';
  return engineError;
}

/**
 * linkat(AT_FDCWD, "/proc/<pid>/fd/<fd>", AT_FDCWD, newPath, AT_SYMLINK_FOLLOW) by running `ln -L -T` (coreutils):
 * the fallback of NodeFsEngine.link where the native addon does not load. Costs a process spawn; the error is the
 * errno `ln` reports (read from its message under LC_ALL=C), or the spawn's.
 */
export function linkWithLn(fd: number, newPath: string, callback: FileCallback<void>): void {
  // LC_ALL=C: the error is read from ln's message, which must not be translated
  const options = { env: { ...process.env, LC_ALL: 'C' } };
  execFile('ln', ['-L', '-T', '--', `/proc/${process.pid}/fd/${fd}`, newPath], options, (error, _stdout, stderr) => {
    callback(error === null ? null : lnError(error, String(stderr), newPath), undefined);
  });
}
