import { loadNativeAddonModule } from '../../internal/native-addon.js';

/**
 * The native ring of the io_uring engine (native/src/uring_ring.cc; its methods: native/src/uring_bindings.cc), one per engine. Every request method returns the
 * request's slot; its completion arrives later as a (slot, result) pair in the shared completions array, with ONE call
 * of `dispatch(count)` per batch. A result below 0 is -errno.
 */
export interface NativeRing {
  openat(path: string, flags: number, mode: number): number;
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  close(fd: number): number;
  /**
   * IORING_OP_ASYNC_CANCEL of every request on `fd` (IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL), hard-linked
   * (IOSQE_IO_HARDLINK) to IORING_OP_CLOSE of `fd`: both SQEs enter the kernel in one io_uring_enter. The slot's
   * completion is the close's; {@link linkedResult} gives the cancel's.
   */
  closeAfterCancel(fd: number): number;
  /**
   * The result of the cancel linked before the close of `slot` (requests canceled, or -errno), or undefined if its
   * completion did not arrive before the close's; valid only while the close's completion is being dispatched.
   */
  linkedResult(slot: number): number | undefined;
  /**
   * OPENAT of `path` into a free entry of the registered (direct) descriptor table, IOSQE_IO_LINK to a WRITE of
   * `buffer[offset, offset + length)` at `position` on it, IOSQE_IO_HARDLINK to its CLOSE: one chain, one
   * io_uring_enter. Returns the slot, or -1 if no table entry is free. The slot's completion carries the open's result
   * once all three completed; {@link chainResult} gives each step's. `flags` must not hold O_CLOEXEC.
   */
  writeNewFile(
    path: string,
    flags: number,
    mode: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): number;
  /** The result of step 0 (open), 1 (write) or 2 (close) of a writeNewFile chain; valid while it is dispatched. */
  chainResult(slot: number, step: 0 | 1 | 2): number;
  fsync(fd: number): number;
  /** Throws ERR_IO_URING_NO_FTRUNCATE on kernels before 6.9 (see `info().hasFtruncate`). */
  ftruncate(fd: number, length: number): number;
  /** `fd >= 0` and `path` `''`: fstat; `fd` -1: stat of `path`. */
  statx(fd: number, path: string): number;
  linkat(oldPath: string, newPath: string, flags: number): number;
  renameat(from: string, to: string): number;
  unlinkat(path: string): number;
  /** 0: nothing to do (completed or already asked), 1: skipped before submission, 2: IORING_OP_ASYNC_CANCEL sent. */
  cancel(slot: number): 0 | 1 | 2;
  /** Fills `out` with the statx result of `slot`; valid only while its completion is being dispatched. */
  readStat(slot: number, out: Float64Array): void;
  /** No new requests; cancels what is pending; tears the ring down once nothing is. Returns true once torn down. */
  shutdown(): boolean;
  info(): NativeRingInfo;
}

/** What the ring reports about itself. */
export interface NativeRingInfo {
  readonly sqEntries: number;
  readonly cqEntries: number;
  /** Requests in the ring at once (the rest wait in a backlog). */
  readonly requestLimit: number;
  /** Entries of the registered (direct) descriptor table (0: none), and how many are free. */
  readonly directSlots: number;
  readonly directFree: number;
  readonly features: number;
  readonly hasFtruncate: boolean;
  /** Requests started and not yet completed. */
  readonly live: number;
  readonly inflight: number;
  readonly backlog: number;
  /** Completion batches delivered, io_uring_enter calls, completions delivered. */
  readonly batches: number;
  readonly enters: number;
  readonly completions: number;
  readonly closed: boolean;
}

export type NativeRingConstructor = new (
  entries: number,
  completions: Int32Array,
  dispatch: (count: number) => void,
  immediate: boolean,
  directSlots: number,
) => NativeRing;

/** The addon, or why it cannot be loaded. */
export type NativeAddon =
  | { readonly Ring: NativeRingConstructor; readonly reason?: undefined }
  | { readonly Ring?: undefined; readonly reason: string };

let loaded: NativeAddon | undefined;

/** The addon's Ring class, loaded once through the package's one loader (src/internal/native-addon.ts); never throws. */
export function loadNativeAddon(): NativeAddon {
  if (loaded !== undefined) return loaded;
  const addon = loadNativeAddonModule();
  loaded =
    addon.exports === undefined ? { reason: addon.reason } : { Ring: addon.exports['Ring'] as NativeRingConstructor };
  return loaded;
}
