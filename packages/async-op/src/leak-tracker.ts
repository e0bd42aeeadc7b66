import { setTracker, type ReferenceTracker } from './internal/tracking.js';

/** A live (unreleased) AsyncOp reference, as listed by {@link LeakTracker.liveReferences}. */
export interface LiveReference {
  /** Increases with every reference created while tracking is on; compare with {@link LeakTracker.mark}. */
  readonly id: number;
  /** The context of the reference's operation. */
  readonly context: unknown;
  /** The stack trace of the call that created the reference (AsyncOp.create() or ref()). */
  readonly createdAt: string;
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

interface Entry {
  readonly id: number;
  readonly reference: WeakRef<object>;
  readonly context: WeakRef<object> | unknown;
  readonly createdAt: string;
}

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
  readonly registry: FinalizationRegistry<Entry>;

  constructor(onCollected: (reference: CollectedReference) => void) {
    this.registry = new FinalizationRegistry((entry) => {
      this.live.delete(entry);
      onCollected({ id: entry.id, createdAt: entry.createdAt });
    });
  }

  created(reference: object, context: unknown): void {
    const entry: Entry = {
      id: nextId++,
      reference: new WeakRef(reference),
      // hold the context weakly too, so tracking never keeps an operation alive
      context: typeof context === 'object' && context !== null ? new WeakRef(context) : context,
      createdAt: captureCreationStack(),
    };
    this.live.add(entry);
    this.byReference.set(reference, entry);
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
  /** Turns tracking on (again: a second call replaces the options and forgets what was tracked). */
  enable(options: LeakTrackerOptions = {}): void {
    const onCollected = options.onCollected ?? defaultOnCollected;
    if (typeof onCollected !== 'function') {
      throw new TypeError(`Expected \`options.onCollected\` to be a function, got ${typeof onCollected}`);
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
   */
  liveReferences(since = 0): LiveReference[] {
    if (active === null) return [];
    const result: LiveReference[] = [];
    for (const entry of active.live) {
      if (entry.id <= since || entry.reference.deref() === undefined) continue;
      const context = entry.context instanceof WeakRef ? entry.context.deref() : entry.context;
      result.push({ id: entry.id, context, createdAt: entry.createdAt });
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
