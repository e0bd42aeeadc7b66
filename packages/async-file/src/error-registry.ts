import { defineErrorCodes, type ErrorCodeTable } from 'async-op';
import { FileActionErrorCode } from './file-action-error.js';
import { FileErrorCode } from './file-handle-error.js';
import { NativeErrorCode } from './native-error-code.js';

/**
 * Every permanent error code of async-op-file (the addon's JavaScript face included), with the class that carries it:
 * the registry docs/reference/error-codes.md is checked against.
 */
export const asyncFileErrorCodes: ErrorCodeTable = defineErrorCodes('async-op-file', [
  { code: FileErrorCode.HANDLE_BUSY, className: 'FileStateError', summary: 'the handle already has an action pending' },
  { code: FileErrorCode.HANDLE_ABORTED, className: 'FileStateError', summary: 'the handle was aborted' },
  { code: FileErrorCode.NOT_OPEN, className: 'FileStateError', summary: 'the action needs an open file' },
  { code: FileErrorCode.ALREADY_OPEN, className: 'FileStateError', summary: 'the handle already holds a file' },
  { code: FileErrorCode.MANAGER_CLOSED, className: 'FileStateError', summary: 'the manager was closed' },
  {
    code: FileErrorCode.CACHE_PROBE_UNAVAILABLE,
    className: 'FeatureUnavailableError',
    summary: 'cacheProbe where the engine cannot make never-blocking calls',
  },
  {
    code: FileErrorCode.DIRECT_IO_UNAVAILABLE,
    className: 'FeatureUnavailableError',
    summary: 'O_DIRECT or an aligned buffer where the engine or the addon cannot do it',
  },
  {
    code: FileActionErrorCode.ENGINE_FAILED,
    className: 'FileActionError',
    summary: 'the engine threw a value without a code instead of reporting',
  },
  {
    code: FileActionErrorCode.BUFFER_DETACHED,
    className: 'FileActionError',
    summary: "an action's buffer was detached or shrunk while it waited",
  },
  {
    code: NativeErrorCode.IO_URING_UNAVAILABLE,
    className: 'IoUringUnavailableError',
    summary: 'io_uring cannot be used here',
  },
  { code: NativeErrorCode.IO_URING_CLOSED, className: 'Error', summary: 'a call on a shut io_uring engine' },
  {
    code: NativeErrorCode.IO_URING_TOO_MANY_REQUESTS,
    className: 'Error',
    summary: 'more than 1,048,576 io_uring requests pending',
  },
  { code: NativeErrorCode.IO_URING_NO_FTRUNCATE, className: 'Error', summary: "the ring's ftruncate before Linux 6.9" },
  { code: NativeErrorCode.IO_URING_NAPI, className: 'Error', summary: 'an N-API call of the ring failed' },
  { code: NativeErrorCode.SYNC_IO_NAPI, className: 'Error', summary: 'an N-API call of the sync helpers failed' },
  { code: NativeErrorCode.PATH_OPS_NAPI, className: 'Error', summary: 'an N-API call of the path helpers failed' },
  { code: NativeErrorCode.INVALID_ARG_TYPE, className: 'TypeError', summary: 'the addon refused an argument' },
  { code: NativeErrorCode.OUT_OF_RANGE, className: 'RangeError', summary: 'the addon refused a number out of range' },
]);
