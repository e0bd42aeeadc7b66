import fs from 'node:fs';
import type { EngineCapabilities, EngineSupport } from '../engine-capabilities.js';
import { WOULD_BLOCK, type DirectIoAlignment, type FileEngine } from '../file-engine.js';
import { loadNativeIo, type NativeIo } from '../internal/native-io.js';
import { expectFd, expectInteger, expectIoCall, writeLength } from '../internal/validate.js';

/** The native addon's synchronous helpers, loaded at the first use; undefined with the reason when unavailable. */
let io: NativeIo | undefined;
let ioUnavailable: string | undefined;

function nativeIo(): NativeIo {
  if (io === undefined && noNativeIo() !== undefined) {
    throw new Error(`internal: a native call without the native addon (${String(ioUnavailable)})`);
  }
  return io as NativeIo;
}

/** Why the addon cannot be loaded here (the loader's reason), or undefined once its helpers are loaded. */
function noNativeIo(): string | undefined {
  if (io !== undefined) return undefined;
  if (ioUnavailable === undefined) {
    const loaded = loadNativeIo();
    if (loaded.io !== undefined) io = loaded.io;
    else ioUnavailable = loaded.reason;
  }
  return ioUnavailable;
}

/** What the addon gives, `true`, or why `feature` cannot be used without it. */
function nativeSupport(feature: string): EngineSupport {
  const why = noNativeIo();
  return why === undefined ? true : `${feature} needs the native addon, which cannot be loaded: ${why}`;
}

/**
 * The capabilities of an engine on real descriptors: the fast path always, the cache probe and O_DIRECT where the
 * native addon loads (asked at the first read of each, not before), and what the engine adds.
 */
export function descriptorCapabilities(
  own: Pick<EngineCapabilities, 'writeNewFile' | 'linkedChains' | 'cancelableCalls'>,
): EngineCapabilities {
  return {
    syncCalls: true,
    get noWaitCalls(): EngineSupport {
      return nativeSupport('the cache probe');
    },
    get directIo(): EngineSupport {
      return nativeSupport('direct I/O');
    },
    ...own,
  };
}

/** readNow's and writeNow's arguments and result (see FileEngine.readNow). */
type NowCall = NonNullable<FileEngine['readNow']>;

/**
 * {@link DescriptorEngine.readNow} without its argument checks, for the manager's fast path (internal/checked-calls.ts),
 * whose handle checked the descriptor, the buffer and the position when it enqueued the action. What it calls checks
 * them once more (fs.readSync, the addon), so a bad one still throws rather than reaching the kernel.
 */
export const readNowUnchecked: NowCall = (fd, buffer, offset, length, position, noWait) => {
  if (!noWait) return fs.readSync(fd, buffer, offset, length, position);
  const io = nativeIo();
  const result =
    offset === 0 && length === buffer.length
      ? io.preadAllNoWait(fd, buffer, position)
      : io.preadNoWait(fd, buffer, offset, length, position);
  return result >= 0 ? result : WOULD_BLOCK;
};

/** {@link DescriptorEngine.writeNow} without its argument checks: as {@link readNowUnchecked}. */
export const writeNowUnchecked: NowCall = (fd, buffer, offset, length, position, noWait) => {
  if (!noWait) return fs.writeSync(fd, buffer, offset, writeLength(length), position);
  const result = nativeIo().pwriteNoWait(fd, buffer, offset, length, position);
  return result >= 0 ? result : WOULD_BLOCK;
};

/** The alignment O_DIRECT needs here when the kernel does not say (statx without STATX_DIOALIGN): a page. */
const FALLBACK_ALIGNMENT: DirectIoAlignment = { memory: 4096, offset: 4096 };

/**
 * The part of the engines that run on real descriptors (node-fs, io_uring) that does not depend on how they issue
 * asynchronous calls: the fast path of `syncThresholdBytes` and what O_DIRECT needs.
 *
 * @remarks
 * The fast path: without `noWait`, Node's readSync/writeSync, so a read of data that is not in the page cache blocks
 * the event loop until the disk answers. With `noWait` (the cache probe), the native addon's preadv2/pwritev2 with
 * RWF_NOWAIT: the kernel does the call only if it can without waiting for storage, else it fails with EAGAIN and the
 * call is declined (WOULD_BLOCK) so that the engine's asynchronous path does it. Any other failure is declined too:
 * the asynchronous path then reports it, with the error an engine call gives.
 */
export abstract class DescriptorEngine {
  /** The fast path of `syncThresholdBytes`: see FileEngine.readNow. */
  readNow(fd: number, buffer: Uint8Array, offset: number, length: number, position: number, noWait: boolean): number {
    expectIoCall(fd, buffer, offset, length, position);
    return readNowUnchecked(fd, buffer, offset, length, position, noWait);
  }

  /** The fast path of `syncThresholdBytes`: see FileEngine.writeNow. */
  writeNow(fd: number, buffer: Uint8Array, offset: number, length: number, position: number, noWait: boolean): number {
    expectIoCall(fd, buffer, offset, length, position);
    return writeNowUnchecked(fd, buffer, offset, length, position, noWait);
  }

  /**
   * Whether `[position, position + length)` of the file open at `fd` is in the page cache: see FileEngine.isCached.
   * cachestat(2) through the addon; undefined where it cannot tell (no addon, Linux before 6.5, a file the kernel
   * will not answer for).
   *
   * @throws TypeError / RangeError naming a bad `fd`, `position` or `length` (an integer >= 0 each; `fd` below 2^31).
   */
  isCached(fd: number, position: number, length: number): boolean | undefined {
    expectFd('fd', fd);
    expectInteger('position', position, 0);
    expectInteger('length', length, 0);
    const query = noNativeIo() === undefined ? nativeIo().isCached : undefined;
    if (query === undefined) return undefined;
    const result = query(fd, position, length);
    return result < 0 ? undefined : result === 1;
  }

  /**
   * Why `noWait` calls (the cache probe) are unavailable (the native addon cannot be loaded), or undefined.
   *
   * @deprecated Read `capabilities.noWaitCalls` (true, or the same reason).
   */
  noWaitUnavailable(): string | undefined {
    const support = nativeSupport('the cache probe');
    return support === true ? undefined : support;
  }

  /** What O_DIRECT on `fd` requires (statx STATX_DIOALIGN through the addon; a page where the kernel does not say). */
  directIoAlignment(fd: number): DirectIoAlignment {
    expectFd('fd', fd);
    const result = nativeIo().directIoAlignment(fd);
    if (typeof result === 'number' || result[0] === 0 || result[1] === 0) return FALLBACK_ALIGNMENT;
    return { memory: result[0], offset: result[1] };
  }

  /**
   * Why direct I/O is unavailable (the native addon cannot be loaded), or undefined.
   *
   * @deprecated Read `capabilities.directIo` (true, or the same reason).
   */
  directIoUnavailable(): string | undefined {
    const support = nativeSupport('direct I/O');
    return support === true ? undefined : support;
  }
}
