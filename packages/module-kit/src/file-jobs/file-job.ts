import path from 'node:path';
import { describeValue, type AsyncOp } from 'async-op';
import { AsyncFileManager, type ActionSettlement, type AsyncFileHandle, type EngineError } from 'async-op-file';
import { ModuleStateError } from '../module-errors.js';
import { expectCallback } from '../option-validators.js';
import type { Result } from '../module-types.js';
import { isRetryableError } from '../retryable-error.js';
import { DataDetachedError } from './data-detached-error.js';
import { DEFAULT_CHUNK_SIZE, parseFileJobRequest, type FileJobRequest, type FileJobValue } from './file-job-request.js';
import type { Job, JobEnd } from './job.js';

function errorResult(error: unknown): Result<FileJobValue> {
  return { status: isRetryableError(error) ? 'error-can-retry' : 'error', error };
}

/** The `ok` result of a job whose work is done, with the error of its file's final close if that one failed. */
function okResult(value: FileJobValue, closeError: EngineError | null): Result<FileJobValue> {
  return { status: 'ok', value: closeError === null ? value : { ...value, closeError } };
}

/**
 * A real file job over an AsyncFileManager: `write-file`, `sync-file` and `read-file` run as a chain of actions on
 * one AsyncFileHandle (each enqueued from the previous callback, so they keep their worker slot); `rename` and
 * `unlink` are one manager action.
 *
 * @remarks
 * Ends exactly once ({@link JobEnd}): `ok` with a {@link FileJobValue}; `error-can-retry` for a transient error
 * ({@link isRetryableError}); `error`; `canceled` after abort() (once the pending action is canceled or undone and the
 * file closed) or after abandon() (once the action in flight finished and the cleanup is done). `write-file` writes
 * into an anonymous file and links it into place last, so until then a cancel or a failure leaves no name behind; once
 * the link exists the outcome is decided and a cancel changes nothing. A `rename` or `unlink` already executing is one
 * system call that cannot be stopped: abort() then ends `canceled` at once, and the call may still take effect. The
 * job holds the references of its pending actions and releases each once; it holds no reference of its module's op.
 */
export class FileJob implements Job {
  private handle: AsyncFileHandle | null = null;
  /** The caller's reference of a rename/unlink action, while it is pending. */
  private managerOp: AsyncOp<unknown> | null = null;
  private chunks: Buffer[] = [];
  /** write-file: the name the hard link created, once it exists. */
  private createdPath: string | undefined = undefined;
  private hasStarted = false;
  private isDecided = false;
  private hasEnded = false;
  private isAbandoned = false;
  /** Whether the first action (an open, a rename or an unlink) was enqueued and has not reported yet. */
  private isFirstActionPending = false;
  private reason: unknown = undefined;

  /** write-file: the data's length at start(); a different length later means it was detached (or shrunk). */
  private dataLength = 0;

  /**
   * Creates the job; nothing starts before start().
   *
   * @param manager - the file manager that runs the actions (not owned).
   * @param request - the request; checked and copied now (each field read once): the job works on values that
   *   cannot change under it. `data` is not copied: keep it attached and unchanged until the end.
   * @param onEnd - receives the end, exactly once, if start() returned.
   * @throws TypeError/RangeError for a bad manager, request or onEnd, naming the value received.
   */
  constructor(
    private readonly manager: AsyncFileManager,
    private request: FileJobRequest,
    private readonly onEnd: JobEnd,
  ) {
    if (!(manager instanceof AsyncFileManager)) {
      throw new TypeError(`Expected \`manager\` to be an AsyncFileManager, got ${describeValue(manager)}`);
    }
    this.request = parseFileJobRequest(request);
    expectCallback(onEnd);
  }

  /** Whether a cancel can no longer change the result (see {@link Job.isOutcomeDecided}). */
  get isOutcomeDecided(): boolean {
    return this.isDecided;
  }

  /**
   * Enqueues the first action; may end the job before it returns (a synchronous engine).
   *
   * @throws ModuleStateError on a second call; what the first enqueue throws (then nothing started, no end comes).
   */
  start(): void {
    if (this.hasStarted) throw new ModuleStateError('A FileJob starts once: start() was called again');
    this.hasStarted = true;
    const request = this.request;
    if (request.kind === 'write-file') this.dataLength = request.data.byteLength;
    // set BEFORE the enqueue: a synchronous engine reports inside it
    this.isFirstActionPending = true;
    switch (request.kind) {
      case 'write-file': {
        const handle = (this.handle = this.manager.newFileHandle());
        handle.createAnonymousFile(path.dirname(request.path), (error) => this.afterOpen(error)).release();
        return;
      }
      case 'sync-file':
      case 'read-file': {
        const handle = (this.handle = this.manager.newFileHandle());
        handle.openExistingFile(request.path, 'read', (error) => this.afterOpen(error)).release();
        return;
      }
      case 'rename':
      case 'unlink': {
        let hasCalledBack = false;
        const callback = (error: EngineError | null): void => {
          hasCalledBack = true;
          this.isFirstActionPending = false;
          this.managerOp?.release();
          this.managerOp = null;
          this.end(error === null ? { status: 'ok', value: { bytes: 0 } } : errorResult(error));
        };
        // after a cancel the callback never runs: the settlement says whether the system call took effect (abort())
        const options = { onSettledAfterCancel: (settlement: ActionSettlement) => this.afterCanceled(settlement) };
        const op =
          request.kind === 'rename'
            ? this.manager.rename(request.from, request.to, options, callback)
            : this.manager.unlink(request.path, options, callback);
        // the callback may already have run (a synchronous engine): then this reference is ours to drop now
        if (hasCalledBack) op.release();
        else this.managerOp = op;
        return;
      }
    }
  }

  /** Real cancel (see {@link Job.abort}). @param reason - reported as the `canceled` result's error. */
  abort(reason: unknown): void {
    if (this.isDecided) return;
    this.isDecided = true;
    this.reason = reason;
    const managerOp = this.managerOp;
    if (managerOp !== null) {
      // still queued: it never runs; executing: a rename/unlink is one atomic system call that cannot be stopped, so
      // it may still take effect: its callback never runs, and the job ends when the engine has finished with it
      this.managerOp = null;
      managerOp.cancel(reason);
      managerOp.release();
      return;
    }
    // cancels the pending action (queued: never runs; executing: no further step, its effect undone) and closes
    // the file; canceled is reported once all of that happened
    this.closeThenEnd({ status: 'canceled', error: reason });
  }

  /** A canceled rename/unlink is over: `canceled` if it had no effect, else what really happened (it took effect). */
  private afterCanceled(settlement: ActionSettlement): void {
    this.end(
      settlement.outcome === 'succeeded'
        ? { status: 'ok', value: { bytes: 0 } }
        : { status: 'canceled', error: this.reason },
    );
  }

  /** Fake cancel, first half (see {@link Job.withdraw}). @param reason - kept for the `canceled` end. */
  withdraw(reason: unknown): void {
    if (this.isDecided) return;
    this.isAbandoned = true;
    this.reason = reason;
    if (!this.isFirstActionPending) return;
    // the first action may still be queued, and must not start: cancel it now, not after the callback, which may
    // free a slot (by canceling another operation) that the queued action would take. An executing open is undone by
    // the manager (nothing else was created yet); an executing rename/unlink cannot be stopped and may still land
    if (this.managerOp !== null) this.managerOp.cancel(reason);
    else this.handle?.abort();
  }

  /** Fake cancel, second half (see {@link Job.abandon}). @param reason - kept for the `canceled` end. */
  abandon(reason: unknown): void {
    if (this.isDecided) return;
    this.isAbandoned = true;
    this.reason = reason;
    // a withdrawn first action never reports: end as real cancel does (once the open's undo finished)
    if (this.isFirstActionPending) this.abort(reason);
  }

  /** Common to every step callback: true if the job must stop here (fake cancel), cleaning up. */
  private shouldStop(): boolean {
    if (!this.isAbandoned || this.isDecided) return false;
    this.isDecided = true;
    this.chunks = [];
    this.closeThenEnd({ status: 'canceled', error: this.reason }, this.createdPath);
    return true;
  }

  private afterOpen(error: EngineError | null): void {
    this.isFirstActionPending = false;
    if (this.shouldStop()) return;
    if (error !== null) return this.fail(error);
    this.step(() => {
      const request = this.request;
      if (request.kind === 'write-file') this.writeFrom(0);
      else if (request.kind === 'read-file') this.readFrom(0);
      else (this.handle as AsyncFileHandle).sync((syncError) => this.afterLastStep(syncError, 0)).release();
    });
  }

  private writeFrom(offset: number): void {
    const request = this.request as Extract<FileJobRequest, { kind: 'write-file' }>;
    const handle = this.handle as AsyncFileHandle;
    // the data is the caller's: detached (transferred away) it would read as empty, and the file would be named
    // with part of it. Stop before the next chunk: the file has no name yet
    if (request.data.byteLength !== this.dataLength) {
      return this.fail(
        new DataDetachedError(
          `request.data was detached or shrunk while the job wrote it: ${this.dataLength} bytes at start, ${request.data.byteLength} now`,
        ),
      );
    }
    if (offset >= request.data.length) {
      handle
        .createHardLink(request.path, (error) => {
          // fake cancel: a name created after the cancel is part of the cleanup (canceled means no new file)
          if (error === null) this.createdPath = request.path;
          this.afterLastStep(error, request.data.length);
        })
        .release();
      return;
    }
    const chunk = request.data.subarray(offset, offset + (request.chunkSize ?? DEFAULT_CHUNK_SIZE));
    handle
      .write(chunk, offset, (error, written) => {
        if (this.shouldStop()) return;
        if (error !== null) return this.fail(error);
        this.step(() => this.writeFrom(offset + written));
      })
      .release();
  }

  private readFrom(offset: number): void {
    const request = this.request as Extract<FileJobRequest, { kind: 'read-file' }>;
    (this.handle as AsyncFileHandle)
      .read(offset, request.chunkSize ?? DEFAULT_CHUNK_SIZE, (error, bytes) => {
        if (this.shouldStop()) return;
        if (error !== null) return this.fail(error);
        if (bytes.length === 0) return this.afterLastStep(null, offset);
        this.chunks.push(bytes);
        this.step(() => this.readFrom(offset + bytes.length));
      })
      .release();
  }

  /** The last action succeeded (or failed): close the file, then end with the value. */
  private afterLastStep(error: EngineError | null, bytes: number): void {
    if (this.shouldStop()) return;
    if (error !== null) return this.fail(error);
    const value: FileJobValue =
      this.request.kind === 'read-file' ? { bytes, data: Buffer.concat(this.chunks, bytes) } : { bytes };
    this.chunks = [];
    // the outcome is decided once the work is done (write-file: the name exists): a cancel now changes nothing, and
    // neither does an error of the close, which releases the descriptor whatever it reports. Reported as a failure,
    // a retryable EINTR would make a retry fail with EEXIST, and a canceled or failed write would leave its file
    this.isDecided = true;
    this.step(() =>
      (this.handle as AsyncFileHandle).close((closeError) => this.end(okResult(value, closeError))).release(),
    );
  }

  /** Runs the next enqueue; if it throws (it should not), the job fails with that error instead of leaking. */
  private step(enqueue: () => void): void {
    try {
      enqueue();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.hasEnded) return;
    this.closeThenEnd(errorResult(error));
  }

  /** Closes the file (canceling the pending action), removes `createdPath` if given, then ends with `result`. */
  private closeThenEnd(result: Result<FileJobValue>, createdPath?: string): void {
    this.isDecided = true;
    this.chunks = [];
    const handle = this.handle;
    if (handle === null) return this.end(result);
    handle.abort();
    void handle.whenIdle().then(() => {
      if (createdPath === undefined) return this.end(result);
      try {
        this.manager.unlink(createdPath, () => this.end(result)).release();
      } catch {
        this.end(result);
      }
    });
  }

  private end(result: Result<FileJobValue>): void {
    if (this.hasEnded) return;
    this.isDecided = true;
    this.hasEnded = true;
    this.onEnd(result);
  }
}
