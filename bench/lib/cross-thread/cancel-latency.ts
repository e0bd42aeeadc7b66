/**
 * Section 2 of the `cross-thread` group: the latency of a cancel, from the owner's cancel() (or abort()) to the
 * moment the worker sees it, for a worker busy in a loop and for an idle one: a cancel slot (SharedCancel, followed
 * with the one-load check or the doorbell) against a transferable AbortSignal posted over the worker's port.
 */
import { transferableAbortController } from 'node:util';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { AsyncOp, CancelSlotTable } from 'async-op';
import { seededUint32 } from '../seeded-random.js';
import { READY, SEEN, type LatencyMessage } from './latency-protocol.js';

export const LATENCY_NAMES = {
  sharedBusy: 'cancel slot, busy worker (one-load check)',
  signalBusy: 'transferable AbortSignal, busy worker (yields every 1 ms)',
  sharedIdle: 'cancel slot, idle worker (doorbell)',
  signalIdle: 'transferable AbortSignal, idle worker',
} as const;

type Kind = LatencyMessage['kind'];
const KINDS: readonly Kind[] = ['shared-busy', 'signal-busy', 'shared-idle', 'signal-idle'];
const NAME_OF: Record<Kind, string> = {
  'shared-busy': LATENCY_NAMES.sharedBusy,
  'signal-busy': LATENCY_NAMES.signalBusy,
  'shared-idle': LATENCY_NAMES.sharedIdle,
  'signal-idle': LATENCY_NAMES.signalIdle,
};

type WaitAsync = (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<unknown> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

async function waitFor(flag: Int32Array, state: number): Promise<void> {
  for (let value = Atomics.load(flag, 0); value !== state; value = Atomics.load(flag, 0)) {
    const wait = waitAsync(flag, 0, value);
    if (wait.async) await wait.value;
  }
}

/** Options of {@link measureCancelLatency}. */
export interface LatencyOptions {
  /** Rounds; each takes one sample of every case, in a seeded shuffled order. */
  readonly maxRounds: number;
  readonly minRounds: number;
  /** A performance.now() time after which no round starts (once minRounds are done). */
  readonly deadline: number;
  /** The longest random wait between "the worker is ready" and the cancel, in ms (a busy worker: a random point). */
  readonly maxDelayMs: number;
  readonly log: (line: string) => void;
}

/** Latency samples in microseconds, per case name. */
export async function measureCancelLatency(options: LatencyOptions): Promise<Map<string, number[]>> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const stamp = new BigInt64Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL('./latency-worker.js', import.meta.url), {
    workerData: { flag: flag.buffer, stamp: stamp.buffer },
  });
  const table = new CancelSlotTable({ capacity: 1 });
  const samples = new Map<string, number[]>(KINDS.map((kind) => [NAME_OF[kind], []]));
  const next = seededUint32(0xc0ffee);
  try {
    const sample = async (kind: Kind): Promise<number> => {
      Atomics.store(flag, 0, 0);
      let cancel: () => void;
      let cleanup = (): void => undefined;
      if (kind === 'shared-busy' || kind === 'shared-idle') {
        const op = AsyncOp.create({ context: null });
        const shared = table.share(op);
        worker.postMessage({ kind, descriptor: shared.descriptor } satisfies LatencyMessage);
        cancel = () => op.cancel();
        cleanup = () => {
          shared.release();
          op.release();
        };
      } else {
        const controller = transferableAbortController();
        worker.postMessage({ kind, signal: controller.signal } satisfies LatencyMessage, [
          controller.signal as unknown as TransferListItem,
        ]);
        cancel = () => controller.abort();
      }
      await waitFor(flag, READY);
      await new Promise((resolve) => setTimeout(resolve, next() % (options.maxDelayMs + 1)));
      const start = process.hrtime.bigint();
      cancel();
      await waitFor(flag, SEEN);
      const micros = Number((stamp[0] as bigint) - start) / 1000;
      cleanup();
      return micros;
    };
    for (const kind of KINDS) await sample(kind); // warm-up
    for (let round = 0; round < options.maxRounds; round++) {
      if (round >= options.minRounds && performance.now() > options.deadline) break;
      const order = [...KINDS];
      for (let i = order.length - 1; i > 0; i--) {
        const j = next() % (i + 1);
        [order[i], order[j]] = [order[j] as Kind, order[i] as Kind];
      }
      for (const kind of order) samples.get(NAME_OF[kind])?.push(await sample(kind));
      if ((round + 1) % 50 === 0) options.log(`latency: ${round + 1} rounds`);
    }
  } finally {
    await worker.terminate();
  }
  return samples;
}

/** The value below which `share` of the samples lie (nearest rank). */
export function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
}
