import path from 'node:path';
import type { AsyncOp } from 'async-op';
import type { ActionSettlement, AsyncFileHandle, AsyncFileManager, EngineError } from 'async-op-file';
import { DEFAULT_CHUNK_SIZE, isRetryableError, type FileJobRequest, type FileJobValue } from '../file-job-request.js';
import type { Result } from '../module-types.js';

/** Receives a job's end, exactly once. */
export type JobEnd = (result: Result<FileJobValue>) => void;

/**
 * What both LL modules drive: one job, started once, which calls its JobEnd exactly once.
 *
 * @remarks
 * abort() is real cancel: the work is stopped (the pending file action canceled, no further chunk) and the job ends
 * `canceled` once it stopped. abandon() is what fake cancel leaves behind: the job lets the action in flight finish,
 * then starts nothing more, closes its file, drops its buffers and ends `canceled` (the module ignores that result: it
 * reported canceled already). Either is a no-op once the job's outcome is decided.
 */
export interface Job {
  start(): void;
  abort(reason: unknown): void;
  abandon(reason: unknown): void;
}

function errorResult(error: unknown): Result<FileJobValue> {
  return { status: isRetryableError(error) ? 'error-can-retry' : 'error', error };
}

/**
 * A real file job over an AsyncFileManager: `write-file`, `sync-file` and `read-file` run as a chain of actions on
 * one AsyncFileHandle (each enqueued from the previous callback, so they keep their worker slot); `rename` and
 * `unlink` are one manager action.
 */
export class FileJob implements Job {
  private handle: AsyncFileHandle | null = null;
  /** The caller's reference of a rename/unlink action, while it is pending. */
  private managerOp: AsyncOp<unknown> | null = null;
  private chunks: Buffer[] = [];
  /** write-file: the name the hard link created, once it exists. */
  private createdPath: string | undefined = undefined;
  private isDecided = false;
  private hasEnded = false;
  private isAbandoned = false;
  private reason: unknown = undefined;

  constructor(
    private readonly manager: AsyncFileManager,
    private readonly request: FileJobRequest,
    private readonly onEnd: JobEnd,
  ) {}

  /** Enqueues the first action; may end the job before it returns (a synchronous engine). @throws what it throws. */
  start(): void {
    const request = this.request;
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

  abandon(reason: unknown): void {
    this.isAbandoned = true;
    this.reason = reason;
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
    // the outcome is decided once the close is enqueued: a cancel now changes nothing
    this.isDecided = true;
    this.step(() =>
      (this.handle as AsyncFileHandle)
        .close((closeError) => {
          this.end(closeError === null ? { status: 'ok', value } : errorResult(closeError));
        })
        .release(),
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
