// async-file's synchronous fast-path helpers: plain syscalls made on the JS thread, each returning at once.
//   - preadNoWait / pwriteNoWait: preadv2 / pwritev2 with RWF_NOWAIT, so a read whose data is not in the page cache
//     (or a write that would have to wait for the disk or a lock) fails with -EAGAIN instead of blocking the thread;
//     the caller then falls back to the asynchronous path. No retry on -EAGAIN here: that is the caller's decision.
//     preadAllNoWait is preadNoWait of a whole buffer (no offset and length to convert).
//   - isCached: whether a range of a file is in the page cache (cachestat), asked without reading it: a declined
//     preadv2 may start the disk read from the JS thread, cachestat never starts any I/O.
//   - fadvise: posix_fadvise, to make the page cache hold (or drop) what the fast path relies on.
//   - directIoAlignment / alignmentGap: what O_DIRECT needs (statx STATX_DIOALIGN) and how far a buffer is from it.
// Results are numbers, -errno on failure, never exceptions: the fast path tries and falls back, and an exception per
// miss would cost more than the read. Exceptions are for bad arguments only (TypeError / RangeError naming the value).
#include "sync_io.h"

#include "error_codes.h"

#include "napi_args.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>  // with _GNU_SOURCE: statx(), and the kernel's struct statx (linux/stat.h, has stx_dio_*)
#include <sys/syscall.h>
#include <sys/uio.h>   // with _GNU_SOURCE: preadv2(), pwritev2(), RWF_NOWAIT
#include <unistd.h>

#ifndef __NR_cachestat
// Linux 6.5 added cachestat after the architectures' syscall tables were unified: it is 451 on every one of them.
#define __NR_cachestat 451
#endif

#include <string>

namespace {

using async_file::GetBytes;
using async_file::GetInteger;
using async_file::kMaxSafeInteger;

#define CHECK_NAPI(call)                                            \
  do {                                                              \
    if ((call) != napi_ok) {                                        \
      napi_throw_error(env, async_file::kErrSyncIoNapi, #call " failed"); \
      return nullptr;                                               \
    }                                                               \
  } while (0)

constexpr int64_t kMaxAlignment = 1LL << 30;

// The JS advice numbers (FADVISE in native-io.ts) are indexes into this table rather than the POSIX_FADV_* values
// themselves: those differ between architectures (DONTNEED and NOREUSE are 6 and 7 on s390x).
constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_RANDOM,   POSIX_FADV_SEQUENTIAL,
                           POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
constexpr int64_t kAdviceCount = sizeof kAdvice / sizeof kAdvice[0];

napi_value NewNumber(napi_env env, int64_t value) {
  napi_value result;
  // a small integer (every byte count of one call and every -errno) is cheaper to make as an int32
  if (value >= INT32_MIN && value <= INT32_MAX) {
    CHECK_NAPI(napi_create_int32(env, (int32_t)value, &result));
  } else {
    CHECK_NAPI(napi_create_int64(env, value, &result));
  }
  return result;
}

// One preadv2 / pwritev2 of `length` bytes at `data` from `position` with RWF_NOWAIT: the bytes transferred, or -errno
// (-EAGAIN when it would block, -EOPNOTSUPP where the file or kernel does not support RWF_NOWAIT).
int64_t TransferNoWaitAt(int fd, uint8_t* data, size_t length, int64_t position, bool is_write) {
  iovec iov = {data, length};
  ssize_t n;
  // EINTR: a signal arrived before anything was transferred (Node installs handlers, e.g. SIGCHLD): just try again
  do {
    n = is_write ? pwritev2(fd, &iov, 1, (off_t)position, RWF_NOWAIT)
                 : preadv2(fd, &iov, 1, (off_t)position, RWF_NOWAIT);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : (int64_t)n;
}

// preadNoWait / pwriteNoWait(fd, buffer, offset, length, position): TransferNoWaitAt of buffer[offset, offset +
// length).
napi_value TransferNoWait(napi_env env, napi_callback_info info, bool is_write) {
  napi_value argv[5];
  size_t argc = 5;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));  // missing arguments read as undefined
  int64_t fd, offset, length, position;
  uint8_t* data = nullptr;
  size_t size = 0;
  if (!GetInteger(env, argv[0], "fd", 0, INT32_MAX, &fd) || !GetBytes(env, argv[1], "buffer", &data, &size) ||
      !GetInteger(env, argv[2], "offset", 0, (int64_t)size, &offset) ||
      !GetInteger(env, argv[3], "length", 0, (int64_t)size - offset, &length) ||
      !GetInteger(env, argv[4], "position", 0, kMaxSafeInteger, &position)) {
    return nullptr;
  }
  return NewNumber(env, TransferNoWaitAt((int)fd, data + offset, (size_t)length, position, is_write));
}

// preadAllNoWait(fd, buffer, position): preadNoWait of the whole of `buffer`, the manager's read into a caller's
// buffer, with two arguments fewer to convert.
napi_value PreadAllNoWait(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t fd, position;
  uint8_t* data = nullptr;
  size_t size = 0;
  if (!GetInteger(env, argv[0], "fd", 0, INT32_MAX, &fd) || !GetBytes(env, argv[1], "buffer", &data, &size) ||
      !GetInteger(env, argv[2], "position", 0, kMaxSafeInteger, &position)) {
    return nullptr;
  }
  return NewNumber(env, TransferNoWaitAt((int)fd, data, size, position, false));
}

napi_value PreadNoWait(napi_env env, napi_callback_info info) { return TransferNoWait(env, info, false); }
napi_value PwriteNoWait(napi_env env, napi_callback_info info) { return TransferNoWait(env, info, true); }

// The kernel's struct cachestat_range and struct cachestat (linux/mman.h of Linux 6.5+; declared here so that older
// headers build, and the call then reports -ENOSYS at run time on an older kernel).
struct CachestatRange {
  uint64_t off;
  uint64_t len;
};
struct Cachestat {
  uint64_t nr_cache;
  uint64_t nr_dirty;
  uint64_t nr_writeback;
  uint64_t nr_evicted;
  uint64_t nr_recently_evicted;
};

// isCached(fd, position, length): 1 if every page of [position, position + length) that lies within the file is in the
// page cache, 0 if one is not, -errno when the kernel cannot tell (-ENOSYS before Linux 6.5, -EPERM where it refuses
// the query for this file, -EBADF). cachestat walks the cache under RCU: it starts no I/O and never sleeps.
napi_value IsCached(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t fd, position, length;
  if (!GetInteger(env, argv[0], "fd", 0, INT32_MAX, &fd) ||
      !GetInteger(env, argv[1], "position", 0, kMaxSafeInteger, &position) ||
      !GetInteger(env, argv[2], "length", 0, kMaxSafeInteger, &length)) {
    return nullptr;
  }
  if (length == 0) return NewNumber(env, 1);  // nothing to read (and a zero length would mean "to the end")
  const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
  const uint64_t first = (uint64_t)position / page;
  uint64_t last = ((uint64_t)position + (uint64_t)length - 1) / page;
  CachestatRange range = {first * page, (last - first + 1) * page};
  Cachestat stat = {};
  long result;
  do {
    result = syscall(__NR_cachestat, (int)fd, &range, &stat, 0);
  } while (result < 0 && errno == EINTR);
  if (result < 0) return NewNumber(env, -errno);
  if (stat.nr_cache >= last - first + 1) return NewNumber(env, 1);
  // a page past the end of the file is never cached, and a read there returns nothing: only the file's pages count
  struct stat file = {};
  if (fstat((int)fd, &file) != 0) return NewNumber(env, -errno);
  const uint64_t size = file.st_size > 0 ? (uint64_t)file.st_size : 0;
  if ((uint64_t)position >= size) return NewNumber(env, 1);
  last = (size - 1) / page < last ? (size - 1) / page : last;
  return NewNumber(env, stat.nr_cache >= last - first + 1 ? 1 : 0);
}

// fadvise(fd, offset, length, advice): posix_fadvise with kAdvice[advice]. Returns 0 or -errno. (posix_fadvise returns
// the error number itself and leaves errno alone.)
napi_value Fadvise(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t fd, offset, length, advice;
  if (!GetInteger(env, argv[0], "fd", 0, INT32_MAX, &fd) ||
      !GetInteger(env, argv[1], "offset", 0, kMaxSafeInteger, &offset) ||
      !GetInteger(env, argv[2], "length", 0, kMaxSafeInteger, &length) ||
      !GetInteger(env, argv[3], "advice", 0, kAdviceCount - 1, &advice)) {
    return nullptr;
  }
  int error = posix_fadvise((int)fd, (off_t)offset, (off_t)length, kAdvice[advice]);
  return NewNumber(env, -error);
}

// directIoAlignment(fd): [stx_dio_mem_align, stx_dio_offset_align] from statx(STATX_DIOALIGN), [0, 0] when the
// kernel (before 6.1) or the file system does not report them, or -errno if statx fails.
napi_value DirectIoAlignment(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t fd;
  if (!GetInteger(env, argv[0], "fd", 0, INT32_MAX, &fd)) return nullptr;
  struct statx stx = {};
  if (statx((int)fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) != 0) return NewNumber(env, -errno);
  // an old kernel ignores the bit it does not know and leaves the fields 0: the mask says whether they are real
  bool has_dio = (stx.stx_mask & STATX_DIOALIGN) != 0;
  napi_value result, memory, offset;
  CHECK_NAPI(napi_create_array_with_length(env, 2, &result));
  CHECK_NAPI(napi_create_uint32(env, has_dio ? stx.stx_dio_mem_align : 0, &memory));
  CHECK_NAPI(napi_create_uint32(env, has_dio ? stx.stx_dio_offset_align : 0, &offset));
  CHECK_NAPI(napi_set_element(env, result, 0, memory));
  CHECK_NAPI(napi_set_element(env, result, 1, offset));
  return result;
}

// alignmentGap(buffer, alignment): bytes from the buffer's first byte to the first address that is a multiple of
// `alignment` (a power of two), 0 if it is one already.
napi_value AlignmentGap(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  size_t argc = 2;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  uint8_t* data = nullptr;
  size_t size = 0;
  int64_t alignment;
  if (!GetBytes(env, argv[0], "buffer", &data, &size)) return nullptr;
  napi_valuetype type = napi_undefined;
  napi_typeof(env, argv[1], &type);
  double number = 0;
  napi_get_value_double(env, argv[1], &number);
  // a power of two: one bit set (checked on the double first, so 3.5 or NaN never reach the bit test)
  if (type != napi_number || !(number >= 1 && number <= (double)kMaxAlignment) || number != (double)(int64_t)number ||
      (((int64_t)number) & ((int64_t)number - 1)) != 0) {
    std::string message = "Expected `alignment` to be a power of two from 1 to " + std::to_string(kMaxAlignment) +
                          ", got " + async_file::Describe(env, argv[1]);
    if (type == napi_number) {
      napi_throw_range_error(env, async_file::kErrOutOfRange, message.c_str());
    } else {
      napi_throw_type_error(env, async_file::kErrInvalidArgType, message.c_str());
    }
    return nullptr;
  }
  alignment = (int64_t)number;
  // -address mod alignment: how far the next multiple is (an empty array may have no data pointer: gap 0)
  uintptr_t address = (uintptr_t)data;
  return NewNumber(env, (int64_t)((0 - address) & (uintptr_t)(alignment - 1)));
}

}  // namespace

napi_status RegisterSyncIo(napi_env env, napi_value exports) {
  napi_property_descriptor functions[] = {
      {"preadNoWait", nullptr, PreadNoWait, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"preadAllNoWait", nullptr, PreadAllNoWait, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"pwriteNoWait", nullptr, PwriteNoWait, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"isCached", nullptr, IsCached, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"fadvise", nullptr, Fadvise, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"directIoAlignment", nullptr, DirectIoAlignment, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"alignmentGap", nullptr, AlignmentGap, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_status status = napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  bool is_pending = false;
  if (status != napi_ok && napi_is_exception_pending(env, &is_pending) == napi_ok && !is_pending) {
    napi_throw_error(env, async_file::kErrSyncIoNapi, "could not add the sync I/O functions to the addon");
  }
  return status;
}
