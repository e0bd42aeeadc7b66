import type { BufferAllocator } from './buffer-pool.js';
import type { EngineChoice } from './engines/select-engine.js';
import type { FileEngine } from './file-engine.js';
import type { FileTraceListener } from './file-trace.js';

/** Options of AsyncFileManager. */
export interface AsyncFileManagerOptions {
  /** Actions in flight at most (worker slots); an integer >= 1. Default 4, the size of libuv's thread pool. */
  readonly concurrency?: number | undefined;
  /**
   * The engine that performs the system calls: a FileEngine, or `'auto'` (io_uring where the kernel and the built
   * addon allow it, else node-fs; `AsyncFileManager.engineReason` says why), `'io_uring'` or `'node-fs'`.
   * Default: what the environment variable `ENGINE_ENV` (`ASYNC_FILE_ENGINE`) names, as if given here; unset or
   * empty, a new {@link NodeFsEngine}.
   */
  readonly engine?: FileEngine | EngineChoice | undefined;
  /** Receives a trace event for every step of every action (off by default; see FileTraceRecorder). */
  readonly trace?: FileTraceListener | undefined;
  /**
   * The fast path: reads and writes of at most this many bytes run synchronously when their turn comes (in their slot,
   * with no thread hand-off), and their callback arrives on a later turn of the event loop, exactly as an asynchronous
   * completion would. An integer >= 0; 0 (the default) turns it off; a handle may override it
   * ({@link NewFileHandleOptions}). Default: the environment variable `SYNC_THRESHOLD_ENV`, else 0.
   *
   * @remarks The trade-off: without {@link cacheProbe}, a synchronous read of data that is not in the page cache (or
   *   a write that must wait for storage) blocks the event loop until the disk answers. The engine must declare the
   *   capability `syncCalls` (readNow and writeNow: node-fs, io_uring and scripted do).
   */
  readonly syncThresholdBytes?: number | undefined;
  /**
   * With the fast path, try each read (and write) with a call that never blocks (Linux: preadv2/pwritev2 with
   * RWF_NOWAIT, from the native addon): data in the page cache is read at once; otherwise the request goes the
   * asynchronous way. So the fast path never blocks the event loop on storage. After a refused read, the handle's
   * next 1, 2, 4, ... up to 64 reads skip the probe; then a read asks the engine whether its bytes are cached
   * (`FileEngine.isCached`: cachestat, which starts no I/O) before it probes, and a "no" backs off further. Default:
   * the environment variable `CACHE_PROBE_ENV` (`1`), else false.
   *
   * @throws FeatureUnavailableError `ERR_FILE_CACHE_PROBE_UNAVAILABLE` from the constructor where the engine cannot make such
   *   calls (the native addon is not built); the option is never silently ignored.
   */
  readonly cacheProbe?: boolean | undefined;
  /**
   * Where read buffers come from: a {@link BufferAllocator} such as {@link BufferPool}. A read's buffer is taken when
   * the read starts; the callback receives it (or a view of its first bytes), and it goes back through
   * `AsyncFileManager.releaseBuffer` when the user is done with it; a failed or canceled read's buffer goes back
   * by itself, once the engine is done with it. Default: buffers carved from shared slabs, never reused (no release).
   */
  readonly readBuffers?: BufferAllocator | undefined;
  /**
   * How a batch of fast-path completions is scheduled for delivery: called with the function that delivers the batch,
   * it must call it exactly once, later (never inside this call). Default: on a later turn of the event loop
   * (setImmediate). Race tests pass a function that schedules the delivery through fast-check's scheduler, so that
   * fast completions interleave with the engine's in every order the scheduler tries.
   */
  readonly fastPathDelivery?: ((deliver: () => void) => void) | undefined;
}

/** Options of AsyncFileManager.newFileHandle. */
export interface NewFileHandleOptions {
  /** This handle's fast-path threshold (see {@link AsyncFileManagerOptions.syncThresholdBytes}); default the manager's. */
  readonly syncThresholdBytes?: number | undefined;
}
