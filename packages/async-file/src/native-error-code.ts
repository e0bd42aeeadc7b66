/**
 * The permanent codes of the errors the native addon throws (native/src/error_codes.h holds the same strings, the only
 * place the C++ code spells them; a test compares the two). Messages may change; codes never do.
 *
 * @remarks
 * The engines contain what the addon throws: a coded error reaches the action's callback unchanged (see
 * FileActionError). `INVALID_ARG_TYPE` and `OUT_OF_RANGE` are Node's own codes, on the TypeError and RangeError the
 * addon throws for an argument it refuses, as Node's fs does.
 */
export const NativeErrorCode = {
  /** `new IoUringEngine()` where io_uring cannot be used (kernel, sysctl, seccomp, the addon): IoUringUnavailableError. */
  IO_URING_UNAVAILABLE: 'ERR_IO_URING_UNAVAILABLE',
  /** A call on an io_uring engine after its shutdown (the ring is closed). */
  IO_URING_CLOSED: 'ERR_IO_URING_CLOSED',
  /** More than 1,048,576 io_uring requests pending at once (a runaway producer). */
  IO_URING_TOO_MANY_REQUESTS: 'ERR_IO_URING_TOO_MANY_REQUESTS',
  /** The ring's ftruncate on a kernel before 6.9 (the engine runs truncate on libuv's pool there instead). */
  IO_URING_NO_FTRUNCATE: 'ERR_IO_URING_NO_FTRUNCATE',
  /** An N-API call of the ring failed (out of memory, most likely). */
  IO_URING_NAPI: 'ERR_IO_URING_NAPI',
  /** An N-API call of the fast path's synchronous helpers failed. */
  SYNC_IO_NAPI: 'ERR_SYNC_IO_NAPI',
  /** An N-API call of the path helpers (linkFollow) failed. */
  PATH_OPS_NAPI: 'ERR_PATH_OPS_NAPI',
  /** Node's code: a TypeError for an argument of the wrong type. */
  INVALID_ARG_TYPE: 'ERR_INVALID_ARG_TYPE',
  /** Node's code: a RangeError for a number out of range. */
  OUT_OF_RANGE: 'ERR_OUT_OF_RANGE',
} as const;

/** One of the values of {@link NativeErrorCode}. */
export type NativeErrorCode = (typeof NativeErrorCode)[keyof typeof NativeErrorCode];
