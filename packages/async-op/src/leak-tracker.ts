import { describeValue } from './describe-value.js';
import type { OpRecord } from './internal/op-record.js';
import { setTracker, type ReferenceTracker } from './internal/tracking.js';

/** A live (unreleased) AsyncOp reference, as listed by {@link LeakTracker.liveReferences}. */
export interface LiveReference {
  /** Increases with every reference created while tracking is on; compare with {@link LeakTracker.mark}. */
  readonly id: number;
  /** The context of the reference's operation. */
  readonly context: unknown;
  /** The stack trace of the call that created the reference (AsyncOp.create() or ref()). */
  readonly createdAt: string;
  /** What ref() was given to name the holder; undefined for the first reference and unnamed ones. */
  readonly holder: string | undefined;
}

/** What the tracker reports when a reference was garbage-collected without being released. */
export interface CollectedReference {
  readonly id: number;
  readonly createdAt: string;
}

/** Options of {@link LeakTracker.enable}. */
export interface LeakTrackerOptions {
  /**
   * Called (from a FinalizationRegistry callback, some time after a GC) for each reference that was collected
   * without being released. Defaults to a process warning of type `AsyncOpLeakWarning`.
   */
  readonly onCollected?: ((reference: CollectedReference) => void) | undefined;
}

/** @internal What the tracker keeps per live reference (read by the diagnostics tree). */
export interface TrackedEntry {
  readonly id: number;
  readonly reference: WeakRef<object>;
  readonly record: WeakRef<OpRecord>;
  readonly context: WeakRef<object> | unknown;
  readonly createdAt: string;
  /** performance.now() when the reference was created. */
  readonly createdAtMs: number;
  readonly holder: string | undefined;
}

type Entry = TrackedEntry;

function defaultOnCollected(reference: CollectedReference): void {
  process.emitWarning(
    `An AsyncOp reference (#${reference.id}) was garbage-collected without being released; created ${reference.createdAt}`,
    'AsyncOpLeakWarning',
  );
}

/** Frames kept per reference: enough to find the caller, few enough to keep tracking cheap. */
const STACK_FRAMES = 8;

function captureCreationStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES + 3;
  // Read .stack at once: an unformatted stack keeps every frame's receiver (the reference itself) alive.
  const stack = new Error('created here').stack ?? '';
  Error.stackTraceLimit = limit;
  // drop the "Error" line and the frames of the tracker and the AsyncOp constructor
  return stack.split('\n').slice(3).join('\n').trim() || '(no stack)';
}

/** Ids stay increasing across enable() calls, so a mark taken before a re-enable stays meaningful. */
let nextId = 1;

class Tracker implements ReferenceTracker {
  readonly live = new Set<Entry>();
  readonly byReference = new WeakMap<object, Entry>();
  /** The first reference's entry per op, kept after that reference is released (the op's age and creation site). */
  readonly byRecord = new WeakMap<OpRecord, Entry>();
  readonly registry: FinalizationRegistry<Entry>;

  constructor(onCollected: (reference: CollectedReference) => void) {
    this.registry = new FinalizationRegistry((entry) => {
      this.live.delete(entry);
      onCollected({ id: entry.id, createdAt: entry.createdAt });
    });
  }

  created(reference: object, record: OpRecord, holder: string | undefined): void {
    const context = record.ctx;
    const entry: Entry = {
      id: nextId++,
      reference: new WeakRef(reference),
      record: new WeakRef(record),
      createdAtMs: performance.now(),
      holder,
      // hold the context weakly too, so tracking never keeps an operation alive
      context: typeof context === 'object' && context !== null ? new WeakRef(context) : context,
      createdAt: captureCreationStack(),
    };
    this.live.add(entry);
    this.byReference.set(reference, entry);
    if (reference === record) this.byRecord.set(record, entry);
    this.registry.register(reference, entry, entry);
  }

  released(reference: object): void {
    const entry = this.byReference.get(reference);
    if (entry === undefined) return;
    this.live.delete(entry);
    this.registry.unregister(entry);
  }
}

let active: Tracker | null = null;

/** @internal The live entries while tracking is on (for the diagnostics tree); null when off. */
export function trackedEntries(): ReadonlySet<TrackedEntry> | null {
  return active === null ? null : active.live;
}

/** @internal The entry of the op's first reference, if the op was created while tracking was on. */
export function creationEntryOf(record: OpRecord): TrackedEntry | undefined {
  return active?.byRecord.get(record);
}

/**
 * Finds AsyncOp references that were never released: lists the live ones with where each was created, and reports
 * the ones garbage-collected unreleased.
 *
 * @remarks
 * Off by default: then tracking costs one comparison per reference created or released. When on, each reference
 * captures a stack trace (microseconds), so turn it on in tests and while debugging, not in production. References
 * created before enable() are not tracked. The test suites of this repository run with it on and fail any test that
 * leaves a reference behind.
 *
 * @example
 * ```ts
 * LeakTracker.enable();
 * const mark = LeakTracker.mark();
 * const op = AsyncOp.create({ context: null });
 * LeakTracker.liveReferences(mark).length; // 1, with op's creation stack
 * op.release();
 * LeakTracker.liveReferences(mark).length; // 0
 * ```
 */
export const LeakTracker = {
  /**
   * Turns tracking on (again: a second call replaces the options and forgets what was tracked).
   *
   * @param options - `onCollected`; default a process warning.
   * @throws TypeError naming the value for options that are not an object, or an `onCollected` that is not a
   *   function.
   */
  enable(options: LeakTrackerOptions = {}): void {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object or undefined, got ${describeValue(options)}`);
    }
    const onCollected = options.onCollected ?? defaultOnCollected;
    if (typeof onCollected !== 'function') {
      throw new TypeError(
        `Expected \`options.onCollected\` to be a function or undefined, got ${describeValue(onCollected)}`,
      );
    }
    active = new Tracker(onCollected);
    setTracker(active);
  },

  /** Turns tracking off and forgets every tracked reference. */
  disable(): void {
    active = null;
    setTracker(null);
  },

  /** Whether tracking is on. */
  get isEnabled(): boolean {
    return active !== null;
  },

  /** An id to pass to liveReferences() to list only references created after this call. */
  mark(): number {
    return nextId - 1;
  },

  /**
   * Lists live (unreleased, not collected) references, oldest first.
   *
   * @param since - list only references with an id greater than this {@link LeakTracker.mark}; default all.
   * @returns an empty list when tracking is off.
   * @throws TypeError for a `since` that is not a number (or is NaN).
   */
  liveReferences(since = 0): LiveReference[] {
    if (typeof since !== 'number' || Number.isNaN(since)) {
      throw new TypeError(`Expected \`since\` to be a number from mark(), got ${describeValue(since)}`);
    }
    if (active === null) return [];
    const result: LiveReference[] = [];
    for (const entry of active.live) {
      if (entry.id <= since || entry.reference.deref() === undefined) continue;
      const context = entry.context instanceof WeakRef ? entry.context.deref() : entry.context;
      result.push({ id: entry.id, context, createdAt: entry.createdAt, holder: entry.holder });
    }
    return result;
  },

  /**
   * Stops tracking the listed references without releasing them (so one reported leak is not reported again).
   *
   * @param references - entries returned by liveReferences().
   */
  forget(references: readonly LiveReference[]): void {
    if (active === null) return;
    const ids = new Set(references.map((reference) => reference.id));
    for (const entry of active.live) {
      if (ids.has(entry.id)) {
        active.live.delete(entry);
        active.registry.unregister(entry);
      }
    }
  },
};
