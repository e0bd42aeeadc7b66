import type { AsyncOp } from 'async-op';
import type { CancellableModule, FileJobValue, ModuleState, StartCallback } from '../../index.js';
import { LifecycleCopy } from './lifecycle-copy.js';

/**
 * What every copy of a sample shares: its name, the lifecycle (open, close that waits for the pending operations,
 * destroy), and the give-back of a start that failed after it took the callback's reference.
 *
 * @typeParam Request - what the copied module's start() takes.
 */
export abstract class ModuleCopy<Request> implements CancellableModule<Request, FileJobValue> {
  protected readonly lifecycle: LifecycleCopy;

  /** @param name - the sample's name (the copy stands in for it in a stack). */
  constructor(readonly name: string) {
    this.lifecycle = new LifecycleCopy(name);
  }

  get state(): ModuleState {
    return this.lifecycle.state;
  }

  get pendingCount(): number {
    return this.lifecycle.pending;
  }

  open(): void {
    this.lifecycle.open();
  }

  abstract start(request: Request, callback: StartCallback<FileJobValue>): AsyncOp<unknown>;

  close(): Promise<void> {
    return this.lifecycle.close();
  }

  destroy(): void {
    this.lifecycle.destroy();
  }

  /**
   * The start threw after it created the op and took the callback's reference: give back both and count out (the
   * callback will never run).
   */
  protected abandonStart(own: AsyncOp<unknown> | null, op: AsyncOp<unknown>): void {
    own?.complete();
    own?.release();
    op.release();
    this.lifecycle.end();
  }
}
