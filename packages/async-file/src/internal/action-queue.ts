import type { FileAction } from './file-action.js';

/** The manager's FIFO of actions waiting for a slot: a doubly linked list, so cancel removes in O(1). */
export class ActionQueue {
  private head: FileAction | null = null;
  private tail: FileAction | null = null;
  size = 0;

  push(action: FileAction): void {
    action.prev = this.tail;
    action.next = null;
    if (this.tail === null) this.head = action;
    else this.tail.next = action;
    this.tail = action;
    this.size++;
  }

  shift(): FileAction | null {
    const action = this.head;
    if (action !== null) this.remove(action);
    return action;
  }

  remove(action: FileAction): void {
    const { prev, next } = action;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    action.prev = action.next = null;
    this.size--;
  }
}
