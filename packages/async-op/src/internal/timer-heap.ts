/** One timer of a ManualClock. */
export interface ManualTimer {
  readonly due: number;
  /** Creation order: timers due at the same time run in the order they were set. */
  readonly sequence: number;
  readonly callback: (argument: unknown) => void;
  readonly argument: unknown;
  isPending: boolean;
}

function isBefore(a: ManualTimer, b: ManualTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.sequence < b.sequence);
}

/** A binary min-heap of timers by (due, sequence); cleared timers are dropped lazily when they reach the top. */
export class TimerHeap {
  private readonly items: ManualTimer[] = [];
  /** Pending (not cleared, not run) timers. */
  size = 0;

  push(timer: ManualTimer): void {
    const items = this.items;
    items.push(timer);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!isBefore(timer, items[parent] as ManualTimer)) break;
      items[index] = items[parent] as ManualTimer;
      index = parent;
    }
    items[index] = timer;
    this.size++;
  }

  /** The earliest pending timer, without removing it. */
  peek(): ManualTimer | undefined {
    while (this.items.length > 0 && !(this.items[0] as ManualTimer).isPending) this.removeTop();
    return this.items[0];
  }

  /** Removes and returns the earliest pending timer. */
  pop(): ManualTimer | undefined {
    const top = this.peek();
    if (top !== undefined) this.removeTop();
    return top;
  }

  private removeTop(): void {
    const items = this.items;
    const last = items.pop() as ManualTimer;
    if (items.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && isBefore(items[right] as ManualTimer, items[left] as ManualTimer) ? right : left;
      if (!isBefore(items[child] as ManualTimer, last)) break;
      items[index] = items[child] as ManualTimer;
      index = child;
    }
    items[index] = last;
  }
}
