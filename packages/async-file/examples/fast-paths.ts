// README and guide code: the fast paths (synchronous small reads, the cache probe, pooled buffers, O_DIRECT).
// Compiled and run by test/examples.test.ts; copied into the docs by `npm run docs`.
import {
  AsyncFileManager,
  BufferPool,
  FeatureUnavailableError,
  FileErrorCode,
  allocateAlignedBuffer,
  type AsyncFileHandle,
  type PromiseFileHandle,
} from 'async-op-file';

// #region fast-manager
/**
 * A manager for many small cached reads: reads up to 16 KiB run on the JS thread when their turn comes (no thread
 * hand-off), but only if the data is in the page cache (the probe); buffers come from a pool and go back to it.
 */
export function smallReadManager(): AsyncFileManager {
  const options = { syncThresholdBytes: 16 * 1024, readBuffers: new BufferPool({ bufferSize: 16 * 1024 }) };
  try {
    return new AsyncFileManager({ ...options, cacheProbe: true });
  } catch (error) {
    // no native addon here: without the probe, a read of uncached data would block the event loop; stay asynchronous
    if (error instanceof FeatureUnavailableError && error.code === FileErrorCode.CACHE_PROBE_UNAVAILABLE) {
      return new AsyncFileManager({ readBuffers: options.readBuffers });
    }
    throw error;
  }
}

/** Sums the first byte of `count` 4 KiB blocks of an open file, one read after the other (each chained). */
export function sumFirstBytes(
  manager: AsyncFileManager,
  file: AsyncFileHandle,
  count: number,
  done: (error: Error | null, sum: number) => void,
): void {
  let sum = 0;
  const readBlock = (index: number): void => {
    if (index === count) return done(null, sum);
    file
      .read(index * 4096, 4096, (error, bytes) => {
        if (error) return done(error, sum);
        sum += bytes[0] ?? 0;
        manager.releaseBuffer(bytes); // done with it: the pool may hand it to the next read
        readBlock(index + 1); // the callback always arrives on a later turn, fast path or not
      })
      .release();
  };
  readBlock(0);
}
// #endregion

// #region read-into
/** The same with one buffer of the caller's, reused by every read: no pool, nothing allocated per read. */
export function sumFirstBytesInto(
  file: AsyncFileHandle,
  count: number,
  done: (error: Error | null, sum: number) => void,
): void {
  const block = Buffer.alloc(4096);
  let sum = 0;
  const readBlock = (index: number): void => {
    if (index === count) return done(null, sum);
    file
      .readInto(block, index * 4096, (error, bytesRead) => {
        if (error) return done(error, sum);
        if (bytesRead > 0) sum += block[0] ?? 0; // only the first bytesRead bytes of block are this read's
        readBlock(index + 1);
      })
      .release();
  };
  readBlock(0);
}

/** Reads into `block` with a deadline; returns (or throws) only once nothing can write into `block` any more. */
export async function readWithin(file: PromiseFileHandle, block: Buffer, ms: number): Promise<number> {
  try {
    return await file.readInto(block, 0, { signal: AbortSignal.timeout(ms) });
  } finally {
    // after an abort, a read the engine could not stop may still be filling `block`: wait until it ended
    await file.whenSettled();
  }
}
// #endregion

// #region direct
/** Writes one zeroed block at `offset` past the page cache (O_DIRECT); offset and size follow the file's alignment. */
export function writeBlockDirect(
  manager: AsyncFileManager,
  path: string,
  offset: number,
  done: (error: Error | null) => void,
): void {
  const file = manager.newFileHandle();
  file
    .openExistingFile(path, 'write', { direct: true }, (error) => {
      if (error) return done(error);
      const { memory, offset: unit } = file.directIoAlignment ?? { memory: 4096, offset: 4096 };
      const block = allocateAlignedBuffer(Math.max(unit, 4096), memory).fill(0);
      file
        .write(block, offset, (writeError) => {
          file.close((closeError) => done(writeError ?? closeError)).release();
        })
        .release(); // a misaligned offset would have thrown a RangeError saying what is required
    })
    .release();
}
// #endregion
