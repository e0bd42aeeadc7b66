import fs from 'node:fs';
import type { EngineError, EngineRequest, FileCallback, FileEngine } from '../../file-engine.js';
import { systemError } from '../../internal/errno-error.js';
import { CompoundCall } from './uring-call.js';
import type { NewFileOutcome } from './uring-requests.js';

const { O_WRONLY } = fs.constants;
const O_CLOEXEC = 0o2000000;
const EIO = -5;

/** The ring calls a new file's separate steps use (the engine's own, through the ring; openat is private). */
export type NewFileCalls = Pick<FileEngine, 'write' | 'close' | 'unlink'> & {
  openat(filePath: string, flags: number, mode: number, callback: FileCallback<number>): EngineRequest;
};

/** Runs `issue`; a throw (the ring refused the request: closed, or an argument it cannot take) goes to `onThrow`. */
export function contain(issue: () => void, onThrow: (error: EngineError) => void): void {
  try {
    issue();
  } catch (error) {
    onThrow(error as EngineError);
  }
}

/** The error of a write that wrote nothing although bytes were left: it would loop forever. */
function noProgress(filePath: string, written: number, length: number): EngineError {
  const error = systemError(EIO, 'write', filePath);
  error.message += ` (no progress after ${written} of ${length} bytes written)`;
  return error;
}

/** Unlinks `filePath` through the ring, or through node's fs where the ring refuses (closed): cleanup must happen. */
export function unlinkSurely(
  calls: NewFileCalls,
  filePath: string,
  callback: (error: EngineError | null) => void,
): void {
  contain(
    () => calls.unlink(filePath, (error) => callback(error)),
    () => fs.unlink(filePath, (error) => callback(error)),
  );
}

/** Closes `fd` through the ring, or through node's fs where the ring refuses (closed): a descriptor must not leak. */
export function closeSurely(calls: NewFileCalls, fd: number, callback: (error: EngineError | null) => void): void {
  contain(
    () => calls.close(fd, (error) => callback(error)),
    () => fs.close(fd, (error) => callback(error)),
  );
}

/**
 * How writeNewFile ends, from the outcome of its open, write and close: nothing created (a failed open), the file with
 * all its bytes, the rest written after a short write, or a file removed before the callback.
 */
export function newFileOutcome(
  calls: NewFileCalls,
  filePath: string,
  buffer: Uint8Array,
  offset: number,
  length: number,
  callback: FileCallback<number>,
): NewFileOutcome {
  return (openError, writeError, written, closeError) => {
    if (openError !== null) return callback(openError, -1);
    const error = writeError ?? closeError;
    if (error === null && written < length)
      return writeRest(calls, filePath, buffer, offset, length, written, callback);
    if (error === null) return callback(null, written);
    unlinkSurely(calls, filePath, () => callback(error, -1));
  };
}

/**
 * writeNewFile where no registered descriptor is free: open, write, close one after the other (the cancel reaches the
 * open only, as in the chain), reported to `outcome` as the chain reports.
 */
export function writeNewFileInSteps(
  calls: NewFileCalls,
  filePath: string,
  flags: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  outcome: NewFileOutcome,
): EngineRequest {
  const compound = new CompoundCall();
  compound.current = calls.openat(filePath, flags | O_CLOEXEC, 0o666, (openError, fd) => {
    compound.current = undefined;
    if (openError !== null) return outcome(openError, null, 0, null);
    const closeThen = (writeError: EngineError | null, written: number): void =>
      closeSurely(calls, fd, (closeError) => outcome(null, writeError, written, closeError));
    contain(
      () => calls.write(fd, buffer, offset, length, 0, (writeError, written) => closeThen(writeError, written)),
      (error) => closeThen(error, 0),
    );
  });
  return compound;
}

/**
 * After a short write of a new file: reopens it and writes the rest from `written`, chunk after chunk, as node-fs
 * does; the first failure (ENOSPC, EFBIG: the reason the write was short) removes the file and is reported.
 */
function writeRest(
  calls: NewFileCalls,
  filePath: string,
  buffer: Uint8Array,
  offset: number,
  length: number,
  written: number,
  callback: FileCallback<number>,
): void {
  const fail = (error: EngineError): void => unlinkSurely(calls, filePath, () => callback(error, -1));
  const reopen = (): void => {
    calls.openat(filePath, O_WRONLY | O_CLOEXEC, 0, (openError, fd) => {
      if (openError !== null) return fail(openError);
      const closeThen = (error: EngineError | null): void =>
        closeSurely(calls, fd, (closeError) => {
          const failure = error ?? closeError;
          if (failure === null) callback(null, length);
          else fail(failure);
        });
      const writeFrom = (done: number): void => {
        if (done === length) return closeThen(null);
        const issue = (): void => {
          calls.write(fd, buffer, offset + done, length - done, done, (writeError, count) => {
            if (writeError !== null) return closeThen(writeError);
            if (count === 0) return closeThen(noProgress(filePath, done, length));
            writeFrom(done + count);
          });
        };
        contain(issue, closeThen);
      };
      writeFrom(written);
    });
  };
  contain(reopen, fail);
}
