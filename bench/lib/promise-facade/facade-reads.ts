/**
 * The reads of the `promise-facade` group: 4 KiB random reads of a cached file with `{ signal }`, through
 * PromiseFileHandle (read() into fresh memory, readInto() one buffer per handle) against fs.promises FileHandle.read
 * (into a new Buffer per read, and into one buffer per lane), which takes no signal: users check it before each read;
 * and the floor of any Promise API on the thread pool: callback fs.read wrapped in one Promise per read.
 */
import type fsp from 'node:fs/promises';
import type { PromiseFileHandle } from 'async-op-file';
import { wrongBlock } from '../random-reads.js';
import { BLOCK, LANES } from '../workload.js';
import { readOnce } from './floor-calls.js';

function check(offset: number, bytesRead: number, buffer: Buffer): void {
  if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
    throw wrongBlock(offset, bytesRead, buffer.readUInt32LE(0));
  }
}

/** `count` reads, one lane per handle, each `await handle.read(offset, BLOCK, { signal })` (or readInto). */
export async function facadeReads(
  handles: readonly PromiseFileHandle[],
  offsets: Int32Array,
  count: number,
  into: boolean,
): Promise<number> {
  const { signal } = new AbortController();
  let next = 0;
  const lane = async (handle: PromiseFileHandle): Promise<void> => {
    const buffer = Buffer.allocUnsafe(BLOCK);
    while (next < count) {
      const offset = offsets[next++] ?? 0;
      if (into) {
        check(offset, await handle.readInto(buffer, offset, { signal }), buffer);
      } else {
        const bytes = await handle.read(offset, BLOCK, { signal });
        check(offset, bytes.length, bytes);
      }
    }
  };
  await Promise.all(handles.map(lane));
  return count;
}

/** `count` reads through one fs.promises FileHandle, LANES in flight, the signal checked before each. */
export async function fspReads(
  file: fsp.FileHandle,
  offsets: Int32Array,
  count: number,
  into: boolean,
): Promise<number> {
  const { signal } = new AbortController();
  let next = 0;
  const lane = async (): Promise<void> => {
    const reused = Buffer.allocUnsafe(BLOCK);
    while (next < count) {
      const offset = offsets[next++] ?? 0;
      signal.throwIfAborted();
      const buffer = into ? reused : Buffer.allocUnsafe(BLOCK);
      const { bytesRead } = await file.read(buffer, 0, BLOCK, offset);
      check(offset, bytesRead, buffer);
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return count;
}

/**
 * The floor: `count` callback fs.read calls, each wrapped in one Promise and awaited, LANES in flight, into one buffer
 * per lane, the signal checked before each.
 */
export async function floorReads(fd: number, offsets: Int32Array, count: number): Promise<number> {
  const { signal } = new AbortController();
  let next = 0;
  const lane = async (): Promise<void> => {
    const buffer = Buffer.allocUnsafe(BLOCK);
    while (next < count) {
      const offset = offsets[next++] ?? 0;
      signal.throwIfAborted();
      check(offset, await readOnce(fd, buffer, offset), buffer);
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return count;
}
