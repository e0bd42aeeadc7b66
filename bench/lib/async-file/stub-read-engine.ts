/**
 * An engine that isolates the manager's own cost per read: node-fs for everything, except that read() does no I/O.
 */
import { AsyncFileManager, BufferPool, NodeFsEngine, type AsyncFileHandle, type EngineCallback } from 'async-op-file';
import { laneReads, openReadHandles } from '../random-reads.js';
import { BLOCK, LANES } from '../workload.js';

/**
 * node-fs, except read(): no I/O, it writes the block number (what the workload's check expects) at the start of the
 * buffer and reports `length` bytes, in one batch per event-loop turn (setImmediate), as the io_uring engine delivers
 * its completions. The manager's time per read on it minus this engine's own (called directly) is the manager's work.
 */
export class StubReadEngine extends NodeFsEngine {
  private ready: (EngineCallback<number> | number)[] = [];
  private isScheduled = false;

  private readonly flush = (): void => {
    this.isScheduled = false;
    const batch = this.ready;
    this.ready = [];
    for (let i = 0; i < batch.length; i += 2) {
      (batch[i] as EngineCallback<number>)(null, batch[i + 1] as number);
    }
  };

  override read(
    _fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: EngineCallback<number>,
  ): undefined {
    new DataView(buffer.buffer, buffer.byteOffset + offset, 4).setUint32(0, position / BLOCK, true);
    this.ready.push(callback, length);
    if (!this.isScheduled) {
      this.isScheduled = true;
      setImmediate(this.flush);
    }
    return undefined;
  }
}

/** A stub engine, and a manager on it with a BufferPool (so that fresh memory is not counted) with LANES handles. */
export async function openStubManager(file: string): Promise<{
  readonly engine: StubReadEngine;
  readonly manager: AsyncFileManager;
  readonly handles: AsyncFileHandle[];
}> {
  const engine = new StubReadEngine();
  const manager = new AsyncFileManager({
    concurrency: LANES,
    engine,
    readBuffers: new BufferPool({ bufferSize: BLOCK }),
  });
  return { engine, manager, handles: await openReadHandles(manager, file, LANES) };
}

/** `count` reads through the stub engine called directly (no manager), LANES in flight, one buffer per lane. */
export function stubEngineReads(engine: StubReadEngine, offsets: Int32Array, count: number): Promise<number> {
  return laneReads(
    (fd, buffer, offset, length, position, callback) => engine.read(fd, buffer, offset, length, position, callback),
    -1,
    offsets,
    count,
  );
}
