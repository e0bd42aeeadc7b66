// Guide code: the worker's side of count-primes.ts.
// #region worker
import { parentPort } from 'node:worker_threads';
import { CrossThreadServer } from 'async-op';

function isPrime(n: number): boolean {
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return n >= 2;
}

CrossThreadServer.serve(parentPort as NonNullable<typeof parentPort>, (request, follower) => {
  const { limit } = request as { limit: number };
  let count = 0;
  for (let n = 2; n < limit; n++) {
    // the loop never yields, so no message could reach it: one Atomics.load per check sees the owner's cancel
    if (n % 1024 === 0) follower.throwIfCanceled();
    if (isPrime(n)) count++;
  }
  return count;
});
// #endregion
