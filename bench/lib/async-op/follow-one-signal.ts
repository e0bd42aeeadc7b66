import { AsyncOp } from 'async-op';
import { forceGc } from '../force-gc.js';
import { summarize, type Summary } from '../stats.js';

/** The time per follower at one size of the "many ops follow one AbortSignal" scale case. */
export interface FollowScaleResult {
  readonly followers: number;
  /** ns per follower for follow + complete + release, over the repetitions. */
  readonly nsPerFollower: Summary;
  readonly repetitions: number;
}

/**
 * `followers` ops follow one fresh AbortSignal (all pending at once), then each completes and is released: the work a
 * server does when every request of a batch follows one shutdown signal. Returns ns per follower.
 */
function followThenFinish(followers: number): number {
  const signal = new AbortController().signal;
  const ops = new Array<AsyncOp<null>>(followers);
  const start = process.hrtime.bigint();
  for (let i = 0; i < followers; i++) {
    const op = AsyncOp.create({ context: null });
    op.follow(signal);
    ops[i] = op;
  }
  for (let i = 0; i < followers; i++) {
    const op = ops[i] as AsyncOp<null>;
    op.complete();
    op.release();
  }
  return Number(process.hrtime.bigint() - start) / followers;
}

/**
 * Times following one signal at each size: the cost per follower must not grow with the number of followers (one
 * shared listener and an intrusive list: O(1) per follow and per leave).
 */
export function measureFollowOneSignal(sizes: readonly number[], budgetMs: number): FollowScaleResult[] {
  const largest = Math.max(...sizes);
  followThenFinish(Math.min(largest, 10_000)); // warm-up: code, not per-follower work
  const perSizeMs = budgetMs / sizes.length;
  return sizes.map((followers) => {
    const samples: number[] = [];
    const end = performance.now() + perSizeMs;
    while (samples.length < 3 || (performance.now() < end && samples.length < 50)) {
      // a full collection first (untimed): a sample then pays for its own garbage only
      forceGc();
      samples.push(followThenFinish(followers));
    }
    return { followers, nsPerFollower: summarize(samples), repetitions: samples.length };
  });
}
