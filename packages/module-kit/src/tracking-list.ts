import { describeValue } from 'async-op';

/**
 * The links an entry carries to sit in a {@link TrackingList} (intrusive: no node object per entry).
 *
 * @typeParam T - the entry type itself.
 */
export interface TrackingLinks<T> {
  /** The older neighbour while tracked; null otherwise. The list's to write. */
  previousTracked: T | null;
  /** The newer neighbour while tracked; null otherwise. The list's to write. */
  nextTracked: T | null;
}

/**
 * A doubly linked list of the operations a cancel-all module tracks: append, remove and take the newest, each in
 * O(1), through links in the entries themselves.
 *
 * @typeParam T - the entry type (an operation's context), which carries the {@link TrackingLinks}.
 *
 * @remarks
 * A sweep that takes entries until none is left stays linear, whatever the number of entries and however many
 * completions remove entries meanwhile. A `Set` cannot do that: a fresh iterator over a set from which the first
 * entries were deleted walks over every deleted slot before it finds a live one, so taking the first entry n times is
 * quadratic. Each entry is in at most one list, and removed only while it is in it: the caller keeps that rule (in a
 * cancel-all module, the tracked reference of the entry says whether it is in the list). The list holds no AsyncOp
 * reference: the caller's entry owns its tracked reference and releases it exactly once.
 */
export class TrackingList<T extends TrackingLinks<T>> {
  private last: T | null = null;
  private count = 0;

  /** How many entries the list holds. */
  get size(): number {
    return this.count;
  }

  /**
   * Appends `entry` as the newest: a sweep in progress reaches it too.
   *
   * @param entry - an entry that is in no list.
   * @throws TypeError for a value that is not an object; RangeError for an entry that is linked already (in this
   *   list, or in the middle of another).
   */
  append(entry: T): void {
    if (typeof entry !== 'object' || entry === null) {
      throw new TypeError(`Expected \`entry\` to be an object, got ${describeValue(entry)}`);
    }
    if (entry === this.last || entry.previousTracked != null || entry.nextTracked != null) {
      throw new RangeError('Expected `entry` to be in no tracking list, got an entry that is linked already');
    }
    entry.previousTracked = this.last;
    entry.nextTracked = null;
    if (this.last !== null) this.last.nextTracked = entry;
    this.last = entry;
    this.count++;
  }

  /**
   * Removes `entry`, in O(1).
   *
   * @param entry - an entry that is in this list.
   * @throws TypeError for a value that is not an object; RangeError for an entry with no links that is not this list's only entry (it is in no list). An entry in
   *   the middle of ANOTHER list cannot be told apart in O(1): removing it corrupts both lists, so keep the rule above.
   */
  remove(entry: T): void {
    if (typeof entry !== 'object' || entry === null) {
      throw new TypeError(`Expected \`entry\` to be an object, got ${describeValue(entry)}`);
    }
    if (entry.previousTracked == null && entry.nextTracked == null && entry !== this.last) {
      throw new RangeError('Expected `entry` to be in this tracking list, got an entry that is in none');
    }
    const { previousTracked: previous, nextTracked: next } = entry;
    if (previous !== null) previous.nextTracked = next;
    if (next === null) this.last = previous;
    else next.previousTracked = previous;
    entry.previousTracked = null;
    entry.nextTracked = null;
    this.count--;
  }

  /**
   * Removes and returns the newest entry.
   *
   * @returns the entry, or null when the list is empty.
   */
  takeLast(): T | null {
    const entry = this.last;
    if (entry !== null) this.remove(entry);
    return entry;
  }
}
