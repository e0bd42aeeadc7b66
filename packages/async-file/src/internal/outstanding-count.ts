/** The actions of a manager not finished yet (in any phase), and the callers of whenIdle() waiting for none to be left. */
export class OutstandingCount {
  /** Actions counted in and not counted out yet. */
  value = 0;
  private waiters: (() => void)[] = [];

  /** Resolves once no action is left: at once (on a microtask) if none is. */
  whenZero(): Promise<void> {
    if (this.value === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Counts one action out; the last one wakes the waiters. */
  decrement(): void {
    if (--this.value === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
