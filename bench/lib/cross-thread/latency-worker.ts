// The worker of the `cross-thread` group's latency section: follows a cancel slot or a transferred AbortSignal, busy
// or idle, and stamps (process.hrtime, the same clock on every thread) the moment it sees the cancel.
import { parentPort, workerData } from 'node:worker_threads';
import { SharedCancelFollower } from 'async-op';
import type { LatencyMessage } from './latency-protocol.js';
import { BUSY_SLICE_MS, READY, SEEN } from './latency-protocol.js';

const flag = new Int32Array(workerData.flag as SharedArrayBuffer);
const stamp = new BigInt64Array(workerData.stamp as SharedArrayBuffer);
let sink = 0;

function set(state: number): void {
  if (state === SEEN) stamp[0] = process.hrtime.bigint();
  Atomics.store(flag, 0, state);
  Atomics.notify(flag, 0);
}

/** A small unit of CPU work (~100 ns): what a busy loop does between two checks. */
function unit(): void {
  for (let i = 0; i < 32; i++) sink = (sink * 31 + i) | 0;
}

parentPort?.on('message', (message: LatencyMessage) => {
  switch (message.kind) {
    case 'shared-busy': {
      // a loop that never yields: only the one-load check can see the cancel
      const follower = SharedCancelFollower.follow(message.descriptor, { watch: false });
      set(READY);
      while (!follower.isCanceled) unit();
      set(SEEN);
      follower.complete();
      return;
    }
    case 'shared-idle': {
      const follower = SharedCancelFollower.follow(message.descriptor);
      follower.op.onCancel(() => {
        set(SEEN);
        follower.complete();
      });
      set(READY);
      return;
    }
    case 'signal-busy': {
      // a posted signal is seen only when the loop yields: slices of BUSY_SLICE_MS with a turn of the loop between
      const signal = message.signal;
      signal.addEventListener('abort', () => set(SEEN), { once: true });
      set(READY);
      const slice = (): void => {
        const end = performance.now() + BUSY_SLICE_MS;
        while (performance.now() < end) unit();
        if (!signal.aborted) setImmediate(slice);
      };
      slice();
      return;
    }
    case 'signal-idle':
      message.signal.addEventListener('abort', () => set(SEEN), { once: true });
      set(READY);
      return;
  }
});
