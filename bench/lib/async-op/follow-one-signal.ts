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

/** Creates `count` ops that all follow `signal` (each loop in its own function: its own, stable type feedback). */
function followAll(signal: AbortSignal, count: number): AsyncOp<null>[] {
  const ops = new Array<AsyncOp<null>>(count);
  for (let i = 0; i < count; i++) {
    const op = AsyncOp.create({ context: null });
    op.follow(signal);
    ops[i] = op;
  }
  return ops;
}

/** Completes and releases every op: each leaves the signal's list. */
function finishAll(ops: readonly AsyncOp<null>[]): void {
  for (const op of ops) {
    op.complete();
    op.release();
  }
}

/** Followers per timed sample, at least: a small size runs several batches, one after the other, on one signal. */
const SAMPLE_FOLLOWERS = 100_000;

/**
 * `followers` ops follow one fresh AbortSignal (all pending at once), then each completes and is released: the work a
 * server does when every request of a batch follows one shutdown signal. Batches until {@link SAMPLE_FOLLOWERS}
 * followers: one batch of 1,000 lasts about 100 µs, of which the first allocations after the full gc() before the
 * sample took a fifth (the smallest size measured twice the larger sizes' ns per follower). Returns ns per follower.
 */
function followThenFinish(followers: number): number {
  const batches = Math.ceil(SAMPLE_FOLLOWERS / followers);
  const signal = new AbortController().signal;
  const start = process.hrtime.bigint();
  for (let batch = 0; batch < batches; batch++) finishAll(followAll(signal, followers));
  return Number(process.hrtime.bigint() - start) / (followers * batches);
}

/**
 * Times following one signal at each size: the cost per follower must not grow with the number of followers (one
 * shared listener and an intrusive list: O(1) per follow and per leave). Sizes are interleaved round by round, after a
 * warm-up at every size, so that neither warming code nor machine noise lands on one size only.
 */
export function measureFollowOneSignal(sizes: readonly number[], budgetMs: number): FollowScaleResult[] {
  for (let round = 0; round < 2; round++) for (const followers of sizes) followThenFinish(followers);
  const samples = sizes.map(() => [] as number[]);
  const end = performance.now() + budgetMs;
  for (let round = 0; round < 5 || (performance.now() < end && round < 50); round++) {
    sizes.forEach((followers, index) => {
      // a full collection first (untimed): a sample then pays for its own garbage only
      forceGc();
      samples[index]?.push(followThenFinish(followers));
    });
  }
  return sizes.map((followers, index) => {
    const taken = samples[index] ?? [];
    return { followers, nsPerFollower: summarize(taken), repetitions: taken.length };
  });
}
