// async-file's N-API argument readers, shared by the io_uring Ring (uring_ring.cc) and the helpers of sync_io.cc and
// path_ops.cc. Each reads one argument or throws a TypeError / RangeError naming the argument and the value received,
// worded as the TypeScript validators word theirs ("Expected `fd` to be an integer from 0 to 2147483647, got `-1`
// (number)"), and returns false.
#ifndef ASYNC_FILE_NAPI_ARGS_H_
#define ASYNC_FILE_NAPI_ARGS_H_

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#include <string>

namespace async_file {

constexpr int64_t kMaxSafeInteger = (1LL << 53) - 1;  // Number.MAX_SAFE_INTEGER: larger doubles skip integers

// The value as async-op's describeValue() spells it ("`5000` (number)", "`undefined`", "an instance of Int16Array").
std::string Describe(napi_env env, napi_value value);

// Throws the TypeError (a non-number) or RangeError (NaN, a fraction, out of range) of GetInteger; returns false.
// Out of line and cold: the readers below are inlined into every call on the hot path, the error is not.
[[gnu::cold, gnu::noinline]] bool ThrowNotInteger(napi_env env, napi_value value, const char* name, int64_t min,
                                                  int64_t max, bool is_number);

// An integer in [min, max]: a non-number throws TypeError; NaN, a fraction or a value out of range RangeError.
inline bool GetInteger(napi_env env, napi_value value, const char* name, int64_t min, int64_t max, int64_t* out) {
  double number = 0;
  // one call, not typeof then the value: a non-number fails with napi_number_expected (and throws nothing)
  bool is_number = napi_get_value_double(env, value, &number) == napi_ok;
  // the comparisons are false for NaN, and a double in [min, max] converts to int64 exactly when it is integral
  if (is_number && number >= (double)min && number <= (double)max && number == (double)(int64_t)number) {
    *out = (int64_t)number;
    return true;
  }
  return ThrowNotInteger(env, value, name, min, max, is_number);
}

// Throws a TypeError "Expected `name` to be <what>, got <value>" (code ERR_INVALID_ARG_TYPE); returns false.
[[gnu::cold, gnu::noinline]] bool ThrowTypeError(napi_env env, napi_value value, const char* name, const char* what);

// A Uint8Array (a Buffer is one): its first byte (byteOffset applied) and its length. A view of detached memory has
// length 0 (and maybe no data pointer): the caller's range check refuses any byte of it.
inline bool GetBytes(napi_env env, napi_value value, const char* name, uint8_t** data, size_t* length) {
  napi_typedarray_type type = napi_int8_array;
  void* raw = nullptr;
  // one call: anything but a typed array fails with napi_invalid_arg (and throws nothing)
  if (napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) == napi_ok &&
      type == napi_uint8_array) {
    *data = static_cast<uint8_t*>(raw);
    return true;
  }
  return ThrowTypeError(env, value, name, "a Uint8Array");
}

// A path: a string without NUL bytes (the kernel would stop at the first one and act on another path), non-empty
// unless `allow_empty`.
bool GetPath(napi_env env, napi_value value, const char* name, bool allow_empty, std::string* out);

// A boolean (undefined reads as false when `optional`).
bool GetBoolean(napi_env env, napi_value value, const char* name, bool optional, bool* out);

}  // namespace async_file

#endif  // ASYNC_FILE_NAPI_ARGS_H_
