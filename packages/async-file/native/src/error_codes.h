// The codes of the errors the addon throws: the only place the C++ code spells them. src/native-error-code.ts holds
// the same strings for JavaScript (NativeErrorCode), and a test compares the two; docs/reference/error-codes.md lists
// them. Codes are permanent: a message may change, a code never.
#ifndef ASYNC_FILE_ERROR_CODES_H_
#define ASYNC_FILE_ERROR_CODES_H_

namespace async_file {

constexpr const char kErrIoUringUnavailable[] = "ERR_IO_URING_UNAVAILABLE";
constexpr const char kErrIoUringClosed[] = "ERR_IO_URING_CLOSED";
constexpr const char kErrIoUringTooManyRequests[] = "ERR_IO_URING_TOO_MANY_REQUESTS";
constexpr const char kErrIoUringNoFtruncate[] = "ERR_IO_URING_NO_FTRUNCATE";
constexpr const char kErrIoUringNapi[] = "ERR_IO_URING_NAPI";
constexpr const char kErrSyncIoNapi[] = "ERR_SYNC_IO_NAPI";
constexpr const char kErrPathOpsNapi[] = "ERR_PATH_OPS_NAPI";
// Node's own codes, on the TypeError and RangeError thrown for an argument the addon refuses (as Node's fs does)
constexpr const char kErrInvalidArgType[] = "ERR_INVALID_ARG_TYPE";
constexpr const char kErrOutOfRange[] = "ERR_OUT_OF_RANGE";

}  // namespace async_file

#endif  // ASYNC_FILE_ERROR_CODES_H_
