import fs from 'node:fs';
import { WOULD_BLOCK, type DirectIoAlignment } from '../file-engine.js';
import { loadNativeIo, type NativeIo } from '../internal/native-io.js';

/**
 * The fast path shared by the engines that run on real descriptors (node-fs, io_uring): reads and writes done at once
 * on the calling thread, for `syncThresholdBytes`.
 *
 * @remarks
 * Without `noWait`, Node's readSync/writeSync: a read of data that is not in the page cache blocks the event loop
 * until the disk answers. With `noWait`, the native addon's preadv2/pwritev2 with RWF_NOWAIT: the kernel does the call
 * only if it can without waiting for storage, else it fails with EAGAIN, and the call is declined (WOULD_BLOCK) so that
 * the engine's asynchronous path does it. Any other failure is declined too: the asynchronous path then reports it,
 * with the same error an engine call gives.
 */
let io: NativeIo | undefined;
let ioUnavailable: string | undefined;

function nativeIo(): NativeIo {
  if (io === undefined) {
    const loaded = loadNativeIo();
    if (loaded.io === undefined) throw new Error(`internal: noWait call without the native addon (${loaded.reason})`);
    io = loaded.io;
  }
  return io;
}

/** A read done at once; see the module's remarks. */
export function readNow(
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
  noWait: boolean,
): number {
  if (!noWait) return fs.readSync(fd, buffer, offset, length, position);
  const result = nativeIo().preadNoWait(fd, buffer, offset, length, position);
  return result >= 0 ? result : WOULD_BLOCK;
}

/** A write done at once; see the module's remarks. */
export function writeNow(
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
  noWait: boolean,
): number {
  if (!noWait) return fs.writeSync(fd, buffer, offset, length, position);
  const result = nativeIo().pwriteNoWait(fd, buffer, offset, length, position);
  return result >= 0 ? result : WOULD_BLOCK;
}

/** Why noWait calls cannot be made here (the native addon is missing), or undefined. */
export function noWaitUnavailable(): string | undefined {
  if (io !== undefined) return undefined;
  if (ioUnavailable !== undefined) return ioUnavailable;
  const loaded = loadNativeIo();
  if (loaded.io !== undefined) {
    io = loaded.io;
    return undefined;
  }
  ioUnavailable = `the cache probe needs the native addon, which cannot be loaded: ${loaded.reason}`;
  return ioUnavailable;
}

/** The alignment O_DIRECT needs here when the kernel does not say (statx without STATX_DIOALIGN): a page. */
const FALLBACK_ALIGNMENT: DirectIoAlignment = { memory: 4096, offset: 4096 };

/** What direct I/O on `fd` requires (statx STATX_DIOALIGN through the addon; a page where it tells nothing). */
export function directIoAlignment(fd: number): DirectIoAlignment {
  const result = nativeIo().directIoAlignment(fd);
  if (typeof result === 'number' || result[0] === 0 || result[1] === 0) return FALLBACK_ALIGNMENT;
  return { memory: result[0], offset: result[1] };
}

/** Why direct I/O cannot be used here (the native addon is missing), or undefined. */
export function directIoUnavailable(): string | undefined {
  const why = noWaitUnavailable();
  return why === undefined ? undefined : why.replace('the cache probe', 'direct I/O');
}
