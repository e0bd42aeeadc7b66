import { AsyncFileManager, type AsyncFileHandle, type FileTraceEvent } from 'async-op-file';
import fs from 'node:fs';
import path from 'node:path';
import { descriptorsUnder } from './leak-report.js';

/** What one run of the chaining demo observed. */
export interface ChainingRun {
  readonly isChained: boolean;
  /** OPEN, WRITE, CLOSE in the order the manager started them. */
  readonly order: readonly string[];
  /** The most files open at once (from /proc/self/fd). */
  readonly peakOpenFiles: number;
}

const NAMES: Record<string, string> = { openExistingFile: 'OPEN', write: 'WRITE', close: 'CLOSE' };

/**
 * Opens, writes and closes `files` files through a manager with `workers` slots, enqueuing each next action either
 * from inside the previous callback (chained: it takes over the slot at once) or one event-loop turn later
 * (unchained: it goes to the back of the FIFO).
 */
export async function runChaining(
  directory: string,
  files: number,
  workers: number,
  isChained: boolean,
): Promise<ChainingRun> {
  const order: string[] = [];
  let peakOpenFiles = 0;
  const trace = (event: FileTraceEvent): void => {
    if (event.type === 'started') order.push(NAMES[event.action] ?? event.action);
    if (event.type === 'finished') peakOpenFiles = Math.max(peakOpenFiles, descriptorsUnder(directory));
  };
  const manager = new AsyncFileManager({ concurrency: workers, trace });
  const payload = Buffer.alloc(4096, 'x');
  const later = isChained ? (next: () => void) => next() : (next: () => void) => setImmediate(next);
  const fail = (error: Error | null): void => {
    if (error !== null) throw error;
  };
  for (let index = 0; index < files; index++) {
    const file = path.join(directory, `${isChained ? 'chained' : 'unchained'}-${index}.txt`);
    fs.writeFileSync(file, '');
    const handle: AsyncFileHandle = manager.newFileHandle();
    handle
      .openExistingFile(file, 'write', (openError) => {
        fail(openError);
        later(() =>
          handle
            .write(payload, 0, (writeError) => {
              fail(writeError);
              later(() => handle.close(fail).release());
            })
            .release(),
        );
      })
      .release();
  }
  // unchained steps are enqueued a loop turn after each callback: wait until every file was closed
  while (order.filter((name) => name === 'CLOSE').length < files || manager.pendingCount > 0) {
    await manager.whenIdle();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { isChained, order, peakOpenFiles };
}

/** The order folded into runs: "OPEN WRITE CLOSE x5" or "OPEN x5, WRITE x5, CLOSE x5". */
export function describeOrder(order: readonly string[]): string {
  const runs: { name: string; count: number }[] = [];
  for (const name of order) {
    const last = runs.at(-1);
    if (last?.name === name) last.count++;
    else runs.push({ name, count: 1 });
  }
  if (runs.every((run) => run.count === 1) && order.length % 3 === 0) {
    const triple = order.slice(0, 3).join('-');
    const isRepeated = order.every((name, index) => name === order[index % 3]);
    if (isRepeated) return `${triple} x${order.length / 3}`;
  }
  return runs.map((run) => (run.count > 1 ? `${run.name} x${run.count}` : run.name)).join(', ');
}
