import { AsyncOp } from 'async-op';
import type { ScaleCase } from './scale-run.js';

/** Operations per timed run, at least: small sizes run several batches of n followers one after the other. */
const BATCH_OPS = 100_000;

interface FollowState {
  readonly controller: AbortController;
  readonly ops: AsyncOp<null>[];
}

/**
 * `n` ops following one AbortSignal, all live at once: create + follow(signal) each, then complete + release each
 * (which must drop its listener), repeated until {@link BATCH_OPS} ops. The timed part is all of it; per op it should
 * not depend on `n`.
 */
export function signalFollowers(sizes: readonly number[]): ScaleCase<FollowState> {
  return {
    name: 'AsyncOp create+follow(signal)+complete+release, {n} live followers of one AbortSignal',
    sizes,
    // setup makes an array only: the followers live inside the timed run
    measuresHeap: false,
    setup(n) {
      return { controller: new AbortController(), ops: new Array<AsyncOp<null>>(n) };
    },
    run({ controller, ops }) {
      const signal = controller.signal;
      const n = ops.length;
      // whole batches of n live followers, at least BATCH_OPS operations per timed run: a run of 1,000 lasts about
      // 100 µs, of which the first allocations after the full gc() before it took a fifth
      const batches = Math.ceil(BATCH_OPS / n);
      for (let batch = 0; batch < batches; batch++) {
        for (let i = 0; i < n; i++) {
          const op = AsyncOp.create({ context: null });
          op.follow(signal);
          ops[i] = op;
        }
        for (let i = 0; i < n; i++) {
          const op = ops[i] as AsyncOp<null>;
          op.complete();
          op.release();
        }
      }
      return n * batches;
    },
    teardown({ controller, ops }) {
      if (controller.signal.aborted || ops.some((op) => !op.isReleased)) {
        throw new Error('a follower was not released, or the signal aborted');
      }
      ops.fill(undefined as unknown as AsyncOp<null>);
    },
  };
}
