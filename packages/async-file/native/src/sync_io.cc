// async-file's synchronous fast-path helpers: plain syscalls made on the JS thread, each returning at once.
//   - preadNoWait / pwriteNoWait: preadv2 / pwritev2 with RWF_NOWAIT, so a read whose data is not in the page cache
//     (or a write that would have to wait for the disk or a lock) fails with -EAGAIN instead of blocking the thread;
//     the caller then falls back to the asynchronous path. No retry on -EAGAIN here: that is the caller's decision.
//   - fadvise: posix_fadvise, to make the page cache hold (or drop) what the fast path relies on.
//   - directIoAlignment / alignmentGap: what O_DIRECT needs (statx STATX_DIOALIGN) and how far a buffer is from it.
// Results are numbers, -errno on failure, never exceptions: the fast path tries and falls back, and an exception per
// miss would cost more than the read. Exceptions are for bad arguments only (TypeError / RangeError naming the value).
#include "sync_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>  // with _GNU_SOURCE: statx(), and the kernel's struct statx (linux/stat.h, has stx_dio_*)
#include <sys/uio.h>   // with _GNU_SOURCE: preadv2(), pwritev2(), RWF_NOWAIT

#include <string>

namespace {

#define CHECK_NAPI(call)                                            \
  do {                                                              \
    if ((call) != napi_ok) {                                        \
      napi_throw_error(env, "ERR_SYNC_IO_NAPI", #call " failed"); \
      return nullptr;                                               \
    }                                                               \
  } while (0)

constexpr int64_t kMaxSafeInteger = (1LL << 53) - 1;  // Number.MAX_SAFE_INTEGER: larger doubles skip integers
constexpr int64_t kMaxAlignment = 1LL << 30;

// The JS advice numbers (FADVISE in native-io.ts) are indexes into this table rather than the POSIX_FADV_* values
// themselves: those differ between architectures (DONTNEED and NOREUSE are 6 and 7 on s390x).
constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_RANDOM,   POSIX_FADV_SEQUENTIAL,
                           POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
constexpr int64_t kAdviceCount = sizeof kAdvice / sizeof kAdvice[0];

// String(value), or "" if that throws (the exception is cleared: describing a value must not fail the call).
std::string JsString(napi_env env, napi_value value) {
  napi_value global, string_fn, text;
  if (napi_get_global(env, &global) != napi_ok || napi_get_named_property(env, global, "String", &string_fn) != napi_ok ||
      napi_call_function(env, global, string_fn, 1, &value, &text) != napi_ok) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    return "";
  }
  size_t length = 0;
  if (napi_get_value_string_utf8(env, text, nullptr, 0, &length) != napi_ok) return "";
  std::string out(length, '\0');
  napi_get_value_string_utf8(env, text, &out[0], length + 1, &length);
  return out;
}

// JSON.stringify(value) of a string, cut to 57 UTF-16 units plus "..." when longer than 60.
std::string QuotedString(napi_env env, napi_value value) {
  size_t units = 0;
  napi_get_value_string_utf16(env, value, nullptr, 0, &units);
  if (units > 60) {
    std::u16string head(57, u'\0');
    napi_get_value_string_utf16(env, value, &head[0], head.size() + 1, &units);
    head += u"...";
    napi_create_string_utf16(env, head.data(), head.size(), &value);
  }
  napi_value global, json, stringify, text;
  if (napi_get_global(env, &global) != napi_ok || napi_get_named_property(env, global, "JSON", &json) != napi_ok ||
      napi_get_named_property(env, json, "stringify", &stringify) != napi_ok ||
      napi_call_function(env, json, stringify, 1, &value, &text) != napi_ok) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    return "a string";
  }
  return JsString(env, text);
}

// The value as async-op's describeValue() spells it ("`5000` (number)", "`undefined`", "an instance of Int16Array"),
// so errors from C++ read like the ones thrown by the TypeScript validators.
std::string Describe(napi_env env, napi_value value) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return "an unknown value";
  switch (type) {
    case napi_undefined:
      return "`undefined`";
    case napi_null:
      return "`null`";
    case napi_string:
      return "`" + QuotedString(env, value) + "` (string)";
    case napi_number:
      return "`" + JsString(env, value) + "` (number)";
    case napi_boolean:
      return "`" + JsString(env, value) + "` (boolean)";
    case napi_bigint:
      return "`" + JsString(env, value) + "` (bigint)";
    case napi_symbol:
      return "`" + JsString(env, value) + "` (symbol)";
    case napi_function: {
      napi_value name;
      std::string text;
      if (napi_get_named_property(env, value, "name", &name) == napi_ok) text = JsString(env, name);
      return text.empty() ? "a function" : "a function `" + text + "`";
    }
    default: {
      // value.constructor.name; a throwing getter (a Proxy, say) just leaves the name out
      napi_value constructor, name;
      std::string text;
      if (napi_get_named_property(env, value, "constructor", &constructor) == napi_ok &&
          napi_get_named_property(env, constructor, "name", &name) == napi_ok) {
        text = JsString(env, name);
      } else {
        napi_value ignored;
        napi_get_and_clear_last_exception(env, &ignored);
      }
      return text.empty() || text == "Object" ? "an object" : "an instance of " + text;
    }
  }
}

// Reads an integer argument in [min, max]. A non-number throws TypeError; NaN, a fraction or a value out of range
// throws RangeError (as expectInteger() in src/internal/validate.ts does).
bool GetInteger(napi_env env, napi_value value, const char* name, int64_t min, int64_t max, int64_t* out) {
  napi_valuetype type;
  double number = 0;
  bool is_number = napi_typeof(env, value, &type) == napi_ok && type == napi_number &&
                   napi_get_value_double(env, value, &number) == napi_ok;
  // the comparisons are false for NaN, and a double in [min, max] converts to int64 exactly when it is integral
  if (is_number && number >= (double)min && number <= (double)max && number == (double)(int64_t)number) {
    *out = (int64_t)number;
    return true;
  }
  char range[80];
  if (max == kMaxSafeInteger) {
    snprintf(range, sizeof range, ">= %lld", (long long)min);
  } else {
    snprintf(range, sizeof range, "from %lld to %lld", (long long)min, (long long)max);
  }
  std::string message = std::string("Expected `") + name + "` to be an integer " + range + ", got " +
                        Describe(env, value);
  if (is_number) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", message.c_str());
  } else {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message.c_str());
  }
  return false;
}

// Reads a Uint8Array argument (a Buffer is one): its first byte (byteOffset already applied by N-API) and length.
bool GetBytes(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  bool is_typed = false;
  napi_typedarray_type type = napi_int8_array;
  void* raw = nullptr;
  if (napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed &&
      napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) == napi_ok &&
      type == napi_uint8_array) {
    *data = static_cast<uint8_t*>(raw);
    return true;
  }
  std::string message = "Expected `buffer` to be a Uint8Array, got " + Describe(env, value);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message.c_str());
  return false;
}

napi_value NewNumber(napi_env env, int64_t value) {
  napi_value result;
  CHECK_NAPI(napi_create_int64(env, value, &result));
  return result;
}

// preadNoWait / pwriteNoWait(fd, buffer, offset, length, position): one preadv2 / pwritev2 of buffer[offset, offset +
// length) at `position` with RWF_NOWAIT. Returns the bytes transferred, or -errno: -EAGAIN when it would block,
// -EOPNOTSUPP where the file (or kernel) does not support RWF_NOWAIT.
napi_value TransferNoWait(napi_env env, napi_callback_info info, bool is_write) {
  napi_value argv[5];
  size_t argc = 5;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));  // missing arguments read as undefined
  int64_t fd, offset, length, position;
  uint8_t* data = nullptr;
  size_t size = 0;
  if (!GetInteger(env, argv[0], "fd", 0, INT32_MAX, &fd) || !GetBytes(env, argv[1], &data, &size) ||
      !GetInteger(env, argv[2], "offset", 0, (int64_t)size, &offset) ||
      !GetInteger(env, argv[3], "length", 0, (int64_t)size - offset, &length) ||
      !GetInteger(env, argv[4], "position", 0, kMaxSafeInteger, &position)) {
    return nullptr;
  }
  iovec iov = {data + offset, (size_t)length};
  ssize_t n;
  // EINTR: a signal arrived before anything was transferred (Node installs handlers, e.g. SIGCHLD): just try again
  do {
    n = is_write ? pwritev2((int)fd, &iov, 1, (off_t)position, RWF_NOWAIT)
                 : preadv2((int)fd, &iov, 1, (off_t)position, RWF_NOWAIT);
  } while (n < 0 && errno == EINTR);
  return NewNumber(env, n < 0 ? -errno : (int64_t)n);
}

napi_value PreadNoWait(napi_env env, napi_callback_info info) { return TransferNoWait(env, info, false); }
napi_value PwriteNoWait(napi_env env, napi_callback_info info) { return TransferNoWait(env, info, true); }

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
  if (!GetBytes(env, argv[0], &data, &size)) return nullptr;
  napi_valuetype type = napi_undefined;
  napi_typeof(env, argv[1], &type);
  double number = 0;
  napi_get_value_double(env, argv[1], &number);
  // a power of two: one bit set (checked on the double first, so 3.5 or NaN never reach the bit test)
  if (type != napi_number || !(number >= 1 && number <= (double)kMaxAlignment) || number != (double)(int64_t)number ||
      (((int64_t)number) & ((int64_t)number - 1)) != 0) {
    std::string message = "Expected `alignment` to be a power of two from 1 to " + std::to_string(kMaxAlignment) +
                          ", got " + Describe(env, argv[1]);
    if (type == napi_number) {
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", message.c_str());
    } else {
      napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message.c_str());
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
      {"pwriteNoWait", nullptr, PwriteNoWait, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"fadvise", nullptr, Fadvise, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"directIoAlignment", nullptr, DirectIoAlignment, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"alignmentGap", nullptr, AlignmentGap, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_status status = napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  bool is_pending = false;
  if (status != napi_ok && napi_is_exception_pending(env, &is_pending) == napi_ok && !is_pending) {
    napi_throw_error(env, "ERR_SYNC_IO_NAPI", "could not add the sync I/O functions to the addon");
  }
  return status;
}
