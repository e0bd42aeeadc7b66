// Run as a script (node uring-terminated-worker.js <directory> <rounds>): starts a worker thread per round that
// reads a file in a loop through an io_uring AsyncFileManager, and terminates it once it is reading, with its ring
// open and reads in flight. Prints `survived <rounds>` and exits 0 unless the process crashed on the way. As a worker
// (workerData set), it is that reader. Used by test/engines/io-uring-worker.test.ts in a child process, so that a
// crash fails that test instead of killing mocha.
import fs from 'node:fs';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AsyncFileManager } from '../../src/index.js';

const CHUNK = 64 * 1024;

/** The worker: reads `file` in a loop on four handles at once, and says `reading` once ten reads came back. */
function readForever(file: string): void {
  const manager = new AsyncFileManager({ engine: 'io_uring' });
  let reads = 0;
  // four handles, one read pending on each: the ring holds requests when the worker is terminated
  for (let i = 0; i < 4; i++) {
    const handle = manager.newFileHandle();
    const next = (): void =>
      handle
        .read(0, CHUNK, (error) => {
          if (error !== null) throw error;
          if (++reads === 10) parentPort?.postMessage('reading');
          next();
        })
        .release();
    handle
      .openExistingFile(file, 'read', (error) => {
        if (error !== null) throw error;
        next();
      })
      .release();
  }
}

/** The parent: `rounds` workers, each terminated while it reads. */
async function terminateReaders(directory: string, rounds: number): Promise<void> {
  const file = path.join(directory, 'data.bin');
  fs.writeFileSync(file, Buffer.alloc(CHUNK, 7));
  for (let round = 0; round < rounds; round++) {
    const worker = new Worker(new URL(import.meta.url), { workerData: { file } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was reading`)));
    });
    await worker.terminate();
  }
  console.log(`survived ${rounds}`);
}

if (isMainThread) {
  const [directory, rounds] = process.argv.slice(2);
  await terminateReaders(directory as string, Number(rounds));
} else {
  readForever((workerData as { file: string }).file);
}
