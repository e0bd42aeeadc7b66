/** The links an object carries to sit in a {@link TrackingList} (intrusive: no node object per entry). */
export interface TrackingLinks<T> {
  previousTracked: T | null;
  nextTracked: T | null;
}

/**
 * A doubly linked list of the objects HL cancel-all tracks: append, remove and take the newest, each in O(1); it
 * keeps its newest end only, the one a sweep takes from.
 *
 * @remarks
 * A sweep that takes entries until none is left stays linear, whatever the number of entries and however many
 * completions remove entries meanwhile. A `Set` cannot do that: a fresh iterator over a set from which the first
 * entries were deleted walks over every deleted slot before it finds a live one, so taking the first entry n times
 * is quadratic. Each entry must be in at most one list, and removed only while it is in it; the caller keeps that
 * rule (the tracked reference of the entry says whether it is in the list).
 */
export class TrackingList<T extends TrackingLinks<T>> {
  private last: T | null = null;
  private count = 0;

  /** How many entries the list holds. */
  get size(): number {
    return this.count;
  }

  /** Appends `entry` (not in any list): a sweep in progress reaches it too. */
  append(entry: T): void {
    entry.previousTracked = this.last;
    entry.nextTracked = null;
    if (this.last !== null) this.last.nextTracked = entry;
    this.last = entry;
    this.count++;
  }

  /** Removes `entry`, which must be in this list. */
  remove(entry: T): void {
    const { previousTracked: previous, nextTracked: next } = entry;
    if (previous !== null) previous.nextTracked = next;
    if (next === null) this.last = previous;
    else next.previousTracked = previous;
    entry.previousTracked = null;
    entry.nextTracked = null;
    this.count--;
  }

  /** Removes and returns the newest entry, or null when the list is empty. */
  takeLast(): T | null {
    const entry = this.last;
    if (entry !== null) this.remove(entry);
    return entry;
  }
}
