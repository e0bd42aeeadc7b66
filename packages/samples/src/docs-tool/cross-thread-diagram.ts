import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerPoolModule } from '../ll-worker-pool.js';
import type { PoolTraceEvent } from '../worker-pool-trace.js';
import { SequenceDiagram } from './sequence-diagram.js';

/** Draws one event of the pool's trace between the user (U), the pool on the owner's thread (P) and the worker (W). */
function draw(diagram: SequenceDiagram, event: PoolTraceEvent): void {
  const detail = event.detail ?? '';
  switch (event.type) {
    case 'dispatched':
      return diagram.arrow('P', 'W', 'post task + cancel slot descriptor');
    case 'cancel-requested':
      return diagram.arrow('P', 'W', 'slot marked (Atomics.store), doorbell rung (Atomics.notify)');
    case 'task-started':
      return diagram.note('W', 'follows the slot: an op of its own on this thread');
    case 'open-started':
      return diagram.note('W', 'open the file (async-op-file, on this thread)');
    case 'read-started':
      return diagram.note('W', `read a chunk at ${detail}`);
    case 'read-done':
      return diagram.note('W', `${detail} bytes read`);
    case 'hash-started':
      return diagram.note('W', `hash the chunk ${detail} times, one Atomics.load check per round`);
    case 'pause-started':
      return diagram.note('W', `pause ${detail} ms before the next chunk (the thread is idle)`);
    case 'cancel-seen':
      return diagram.note(
        'W',
        detail === 'check'
          ? 'cancel seen by the check in the busy loop: op canceled'
          : 'cancel seen by the doorbell (no check ran): op canceled',
      );
    case 'file-closed':
      return diagram.note('W', 'file closed');
    case 'reported':
      return diagram.arrow('W', 'P', `report: ${detail}`, true);
    case 'callback':
      return diagram.arrow('P', 'U', `callback: ${detail}`, true);
    default:
      return undefined;
  }
}

/**
 * A task of the worker pool, canceled while its worker is busy hashing (`busy`) or idle in its pause between chunks
 * (`idle`), drawn from a real run on a real worker thread. Only the order of events is drawn, and the run makes it
 * fixed: the cancel waits for the worker's event that it is hashing (or pausing), and the worker posts nothing from
 * then until it sees the cancel.
 */
export async function crossThreadCancel(phase: 'busy' | 'idle'): Promise<string> {
  const diagram = new SequenceDiagram({ U: 'user', P: 'worker pool (owner thread)', W: 'worker thread' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cross-thread-diagram-'));
  const file = path.join(dir, 'data.bin');
  fs.writeFileSync(file, Buffer.alloc(1024, 1));
  let reached: () => void = () => undefined;
  const isReached = new Promise<void>((resolve) => (reached = resolve));
  const waitFor = phase === 'busy' ? 'hash-started' : 'pause-started';
  const pool = new WorkerPoolModule({
    workers: 1,
    trace: (event) => {
      draw(diagram, event);
      if (event.type === waitFor) reached();
    },
  });
  try {
    pool.open();
    const request =
      phase === 'busy'
        ? ({ kind: 'hash-file', path: file, rounds: 1_000_000 } as const)
        : ({ kind: 'hash-file', path: file, chunkSize: 512, pauseMs: 600_000 } as const);
    diagram.arrow('U', 'P', phase === 'busy' ? 'start(hash-file, 1,000,000 rounds)' : 'start(hash-file, pause 600 s)');
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const op = pool.start(request, () => resolveDone());
    await isReached;
    diagram.arrow('U', 'P', 'cancel()');
    op.cancel();
    diagram.note('U', 'cancel() returned');
    op.release();
    await done;
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return diagram.toMarkdown();
}
