import type { ModuleState } from '../../index.js';

/**
 * A copy of the samples' internal ModuleLifecycle (not exported by the package): open/close state, the count of
 * pending operations, and the close() promise that waits for the count to reach zero.
 */
export class LifecycleCopy {
  state: ModuleState = 'created';
  pending = 0;
  private drained: Promise<void> | null = null;
  private resolveDrained: (() => void) | null = null;

  constructor(readonly name: string) {}

  open(): void {
    if (this.state !== 'created' && this.state !== 'closed') throw new Error(`Cannot open ${this.name}: ${this.state}`);
    this.state = 'open';
  }

  admit(): void {
    if (this.state !== 'open') {
      throw Object.assign(new Error(`Cannot start an operation on ${this.name}: it is ${this.state}`), {
        code: 'ERR_MODULE_CLOSED',
      });
    }
  }

  begin(): void {
    this.pending++;
  }

  end(): void {
    this.pending--;
    if (this.pending === 0 && this.state === 'closing') this.resolveClose();
  }

  /** Resolves a pending close() now (the count is zero). */
  resolveClose(): void {
    this.state = 'closed';
    const resolve = this.resolveDrained;
    this.drained = null;
    this.resolveDrained = null;
    resolve?.();
  }

  close(): Promise<void> {
    if (this.state === 'closing' && this.drained !== null) return this.drained;
    if (this.state !== 'open') return Promise.resolve();
    if (this.pending === 0) {
      this.state = 'closed';
      return Promise.resolve();
    }
    this.state = 'closing';
    this.drained = new Promise((resolve) => (this.resolveDrained = resolve));
    return this.drained;
  }

  destroy(): void {
    this.state = 'destroyed';
  }
}
