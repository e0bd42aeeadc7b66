import { releasedError } from './argument-errors.js';
import {
  dropReference,
  FIRST_RELEASED,
  INITIAL_BITS,
  moreOf,
  OBSERVED,
  type Extras,
  type Hook,
  type ListNode,
  type OpRecord,
} from './op-record.js';
import { trackReleased, tracker } from './tracking.js';

/**
 * What this module uses of AsyncOp: its abstract members, which the reference classes implement, and follow(). Named
 * here rather than imported, so that this module does not import async-op.ts, which imports it.
 */
export interface ReferenceBase {
  readonly isReleased: boolean;
  release(): void;
  follow(source: AbortSignal | ReferenceBase): void;
}

/** The two reference classes, made by {@link defineReferenceClasses}; `Op` is AsyncOp's instance type. */
export interface ReferenceClasses<Op extends ReferenceBase> {
  readonly FirstReference: new (ctx: unknown, cancelImpl: Hook, disposeImpl: Hook) => Op & OpRecord;
  readonly SharedReference: new (record: OpRecord, holder: string | undefined) => Op;
}

/**
 * Makes AsyncOp's two reference classes, extending `Base` (AsyncOp).
 *
 * @param Base - the AsyncOp class; called once, by async-op.ts, right after the class is defined.
 * @returns the classes that create() and ref() instantiate.
 * @remarks Made by a function of the base class, not declared with an import of it: AsyncOp's create() and ref()
 * instantiate them, so a module that imported AsyncOp to extend it would form an import circle in which a class could
 * extend a value not evaluated yet. The classes are made once, so V8 sees one class each, as if declared in place.
 */
export function defineReferenceClasses<Op extends ReferenceBase>(Base: abstract new () => Op): ReferenceClasses<Op> {
  const Extended = Base as abstract new () => ReferenceBase;
  /**
   * The first reference of an op is also its shared record: one object where a separate record would cost 32 more
   * bytes per op. Its own release is a flag in `bits`; the record lives on while other references hold it.
   */
  class FirstReference extends Extended implements OpRecord {
    // Assigned in the constructor, not as class fields: fields would add an initializer function to every create(),
    // and V8 inlines create() into the caller (dropping the options object) only while the whole path is small.
    declare bits: number;
    declare prev: ListNode | null;
    declare next: ListNode | null;
    declare extras: Extras | null;
    declare readonly ctx: unknown;
    declare readonly cancelImpl: Hook;
    declare readonly disposeImpl: Hook;

    constructor(ctx: unknown, cancelImpl: Hook, disposeImpl: Hook) {
      super();
      this.bits = INITIAL_BITS;
      this.prev = this;
      this.next = this;
      this.extras = null;
      (this as { ctx: unknown }).ctx = ctx;
      (this as { cancelImpl: Hook }).cancelImpl = cancelImpl;
      (this as { disposeImpl: Hook }).disposeImpl = disposeImpl;
      // the leak tracker hears of it from create(): the common path stays small enough for V8 to inline
    }

    protected live(action: string): OpRecord {
      if ((this.bits & FIRST_RELEASED) !== 0) throw releasedError(action);
      return this;
    }

    override get isReleased(): boolean {
      return (this.bits & FIRST_RELEASED) !== 0;
    }

    override release(): void {
      const bits = this.bits;
      // one test for both rare cases: a second release, an op the leak tracker follows
      if ((bits & (FIRST_RELEASED | OBSERVED)) !== 0) {
        if ((bits & FIRST_RELEASED) !== 0) throw releasedError('release()');
        trackReleased(this);
      }
      this.bits = bits | FIRST_RELEASED;
      dropReference(this);
    }
  }

  /** Every reference after the first: a pointer to the record, cleared on release. */
  class SharedReference extends Extended {
    private record: OpRecord | null;

    constructor(record: OpRecord, holder: string | undefined) {
      super();
      this.record = record;
      if (tracker !== null) tracker.created(this, record, holder);
    }

    protected live(action: string): OpRecord {
      const record = this.record;
      if (record === null) throw releasedError(action);
      return record;
    }

    override get isReleased(): boolean {
      return this.record === null;
    }

    override release(): void {
      const record = this.live('release()');
      this.record = null;
      if (tracker !== null) trackReleased(this);
      dropReference(record);
    }
  }

  // they extend Base, so their instances are Base's (the cast only says what the class syntax cannot)
  return { FirstReference, SharedReference } as unknown as ReferenceClasses<Op>;
}

function keepNothing(): void {
  // the cancel hook of the hidden-class keepers, never called
}

/**
 * Live instances of the reference classes and of what an op may come to use, kept for as long as the caller keeps
 * the array (see HIDDEN_CLASS_KEEPERS in async-op.ts, which says why).
 *
 * @param classes - the reference classes.
 * @returns a first reference (with extras, more, a signal's follower and fan-out, and a child op following it) and a
 *   second reference to it.
 */
export function keepHiddenClasses<Op extends ReferenceBase>(classes: ReferenceClasses<Op>): readonly Op[] {
  const { FirstReference, SharedReference } = classes;
  const first = new FirstReference({}, keepNothing as Hook, undefined);
  // the classes an op may come to use, each kept alive through `first`: its extras and more (a label), a signal's
  // follower and fan-out (it follows a signal that never aborts), and a child link (a second op follows it)
  moreOf(first).label = 'hidden-class keeper';
  first.follow(new AbortController().signal);
  new FirstReference({}, keepNothing as Hook, undefined).follow(first);
  return [first, new SharedReference(first, undefined)];
}
