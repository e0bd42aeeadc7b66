import { AsyncOp } from 'async-op';
import type { ScaleCase } from './scale-run.js';

interface FollowState {
  readonly controller: AbortController;
  readonly ops: AsyncOp<null>[];
}

/**
 * `n` ops following one AbortSignal, all live at once: create + follow(signal) each, then complete + release each
 * (which must drop its listener). The timed part is both loops; per op it should not depend on `n`.
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
      return n;
    },
    teardown({ controller, ops }) {
      if (controller.signal.aborted || ops.some((op) => !op.isReleased)) {
        throw new Error('a follower was not released, or the signal aborted');
      }
      ops.fill(undefined as unknown as AsyncOp<null>);
    },
  };
}
