import { expect } from 'chai';
import fc from 'fast-check';
import { after, before, describe, it } from 'mocha';
import {
  AsyncOp,
  CancelSlotTable,
  SharedCancelFollower,
  SLOT_RELEASED_KIND,
  type SharedCancel,
  type SharedCancelDescriptor,
} from '../../src/index.js';
import type { CheckedReason } from './support/test-requests.js';
import { TestThread } from './support/test-thread.js';

/** One step of a reuse order; `pick` chooses among the operations (or followers) made so far. */
type Step =
  | { readonly type: 'share' }
  | { readonly type: 'cancel'; readonly pick: number }
  | { readonly type: 'release'; readonly pick: number }
  | { readonly type: 'follow'; readonly pick: number }
  | { readonly type: 'check' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.constant({ type: 'share' } as const), weight: 3 },
  { arbitrary: fc.record({ type: fc.constant('cancel' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('release' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('follow' as const), pick: fc.nat() }), weight: 3 },
  { arbitrary: fc.constant({ type: 'check' } as const), weight: 2 },
);

/** One operation of the owner: its op, its slot, and what the model knows of it. */
interface Owned {
  readonly op: AsyncOp<null>;
  readonly shared: SharedCancel;
  readonly descriptor: SharedCancelDescriptor;
  /** Unique in the run: a follower that reports it belongs to this operation and no other. */
  readonly reason: string;
  isReleased: boolean;
  /** Whether a cancel landed while the slot was still this operation's. */
  isCanceledLive: boolean;
}

/** The owner's side of a run: steps other than follow and check, with the expected slot effects. */
class Owner {
  readonly owned: Owned[] = [];
  constructor(readonly table: CancelSlotTable) {}

  share(): void {
    const op = AsyncOp.create({ context: null });
    if (this.table.inUseCount === this.table.capacity) {
      expect(() => this.table.share(op))
        .to.throw()
        .with.property('code', 'ERR_CANCEL_SLOTS_EXHAUSTED');
      op.release();
      return;
    }
    const shared = this.table.share(op);
    const { index, generation } = shared.descriptor;
    const reason = `op ${this.owned.length} (slot ${index}, generation ${generation})`;
    this.owned.push({ op, shared, descriptor: shared.descriptor, reason, isReleased: false, isCanceledLive: false });
  }

  cancel(pick: number): void {
    const owned = this.owned[pick % this.owned.length] as Owned;
    // a cancel after the release is the stale cancel: it must reach nothing
    const didWin = owned.op.cancel(owned.reason);
    if (didWin && !owned.isReleased) owned.isCanceledLive = true;
  }

  release(pick: number): void {
    const owned = this.owned[pick % this.owned.length] as Owned;
    if (owned.isReleased) {
      expect(() => owned.shared.release())
        .to.throw()
        .with.property('code', 'ERR_CANCEL_SLOT_RELEASED');
      return;
    }
    owned.shared.release();
    owned.isReleased = true;
  }

  end(): void {
    for (const owned of this.owned) {
      if (!owned.isReleased) owned.shared.release();
      owned.op.release();
    }
    expect(this.table.inUseCount).to.equal(0);
  }
}

/**
 * What a follower may report now, given its operation and what it reported before: once it answered canceled, the
 * same answer forever; never a cancel of another operation; while its slot is its own, canceled iff its owner
 * canceled it; once released, canceled (with its own reason if it saw the cancel before the release, else as
 * released).
 */
function allowed(owned: Owned, before: CheckedReason | undefined, isDeterministic: boolean): CheckedReason[] {
  if (before !== undefined && before !== null) return [before];
  const own = { message: owned.reason, kind: undefined };
  const released = {
    message: 'The owner released the cancel slot before this operation ended',
    kind: SLOT_RELEASED_KIND,
  };
  if (!owned.isReleased) return [owned.isCanceledLive ? own : null];
  // with the doorbell (another thread), a cancel before the release may have been seen before the release
  return owned.isCanceledLive && !isDeterministic ? [released, own] : [released];
}

function reasonOf(follower: SharedCancelFollower): CheckedReason {
  if (!follower.isCanceled) return null;
  const { message, kind } = follower.reason as { message?: unknown; kind?: unknown };
  return { message: String(message ?? follower.reason), kind: typeof kind === 'string' ? kind : undefined };
}

/** Where the followers live: this thread (followers checked synchronously) or a worker (the doorbell too). */
interface FollowerSide {
  /** Whether a follower can only see what a check sees (no doorbell): the cancel-before-release case is exact. */
  readonly isDeterministic: boolean;
  follow(id: number, descriptor: SharedCancelDescriptor): Promise<void>;
  check(ids: readonly number[]): Promise<CheckedReason[]>;
  /** Completes every follower. */
  forget(): Promise<void>;
}

/** Followers on this thread, without the doorbell. */
function thisThread(): FollowerSide {
  const followers: SharedCancelFollower[] = [];
  return {
    isDeterministic: true,
    follow: async (_id, descriptor) => {
      followers.push(SharedCancelFollower.follow(descriptor, { watch: false }));
    },
    check: async (ids) => ids.map((id) => reasonOf(followers[id] as SharedCancelFollower)),
    forget: async () => {
      for (const follower of followers.splice(0)) follower.complete();
    },
  };
}

/** Followers on a real worker thread (test-worker.ts), with the doorbell. */
function workerThread(thread: TestThread): FollowerSide {
  return {
    isDeterministic: false,
    follow: (id, descriptor) => thread.call({ kind: 'follow', id, descriptor, watch: true }),
    check: (ids) => thread.call<CheckedReason[]>({ kind: 'check', ids }),
    forget: () => thread.call({ kind: 'forget' }),
  };
}

/** Runs one reuse order; every check (after each follow, at each `check` step and at the end) checks every follower. */
async function runPlan(slots: number, plan: readonly Step[], side: FollowerSide): Promise<void> {
  const owner = new Owner(new CancelSlotTable({ capacity: slots }));
  const followers: { owned: Owned; last: CheckedReason | undefined }[] = [];
  const checkAll = async (): Promise<void> => {
    const now = await side.check(followers.map((_, id) => id));
    followers.forEach((entry, id) => {
      const message = `follower of ${entry.owned.reason}`;
      expect(allowed(entry.owned, entry.last, side.isDeterministic), message).to.deep.include(now[id]);
      entry.last = now[id];
    });
  };
  try {
    for (const next of plan) {
      if (next.type === 'share') owner.share();
      else if (owner.owned.length === 0) continue;
      else if (next.type === 'cancel') owner.cancel(next.pick);
      else if (next.type === 'release') owner.release(next.pick);
      else if (next.type === 'follow') {
        const owned = owner.owned[next.pick % owner.owned.length] as Owned;
        await side.follow(followers.length, owned.descriptor);
        followers.push({ owned, last: undefined });
        await checkAll();
      } else await checkAll();
    }
    await checkAll();
  } finally {
    await side.forget();
    owner.end();
  }
}

const steps = fc.array(step, { minLength: 1, maxLength: 40 });
const capacity = fc.integer({ min: 1, max: 3 });

describe('cancel slot reuse', () => {
  it('should never let a cancel land on another use of its slot (thousands of orders, one thread)', async () => {
    const numRuns = Math.max(1000, fc.readConfigureGlobal().numRuns ?? 0);
    const side = thisThread();
    await fc.assert(
      fc.asyncProperty(capacity, steps, (slots, plan) => runPlan(slots, plan, side)),
      { numRuns },
    );
  });

  describe('with the followers on a real worker thread', () => {
    let thread: TestThread;

    before(() => {
      thread = new TestThread();
    });

    after(async () => {
      await thread.terminate();
    });

    it('should never let a cancel land on another use of its slot, whatever the doorbell saw', async () => {
      const numRuns = Math.max(200, fc.readConfigureGlobal().numRuns ?? 0);
      const side = workerThread(thread);
      await fc.assert(
        fc.asyncProperty(capacity, steps, (slots, plan) => runPlan(slots, plan, side)),
        { numRuns },
      );
      expect(await thread.stats()).to.deep.equal({ following: 0, liveReferences: 0, pending: 0 });
    });
  });
});
