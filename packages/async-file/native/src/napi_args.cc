// async-file's N-API argument readers: see napi_args.h.
#include "napi_args.h"

#include "error_codes.h"

#include <stdio.h>
#include <string.h>

namespace async_file {

bool ThrowTypeError(napi_env env, napi_value value, const char* name, const char* what) {
  std::string message = std::string("Expected `") + name + "` to be " + what + ", got " + Describe(env, value);
  napi_throw_type_error(env, kErrInvalidArgType, message.c_str());
  return false;
}

namespace {

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

}  // namespace

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

bool ThrowNotInteger(napi_env env, napi_value value, const char* name, int64_t min, int64_t max, bool is_number) {
  char range[80];
  if (max == kMaxSafeInteger) {
    snprintf(range, sizeof range, ">= %lld", (long long)min);
  } else {
    snprintf(range, sizeof range, "from %lld to %lld", (long long)min, (long long)max);
  }
  std::string message = std::string("Expected `") + name + "` to be an integer " + range + ", got " +
                        Describe(env, value);
  if (is_number) {
    napi_throw_range_error(env, kErrOutOfRange, message.c_str());
  } else {
    napi_throw_type_error(env, kErrInvalidArgType, message.c_str());
  }
  return false;
}

bool GetPath(napi_env env, napi_value value, const char* name, bool allow_empty, std::string* out) {
  napi_valuetype type = napi_undefined;
  size_t length = 0;
  if (napi_typeof(env, value, &type) == napi_ok && type == napi_string &&
      napi_get_value_string_utf8(env, value, nullptr, 0, &length) == napi_ok && (allow_empty || length > 0)) {
    out->resize(length);
    napi_get_value_string_utf8(env, value, &(*out)[0], length + 1, &length);
    // a NUL inside the string: the C string the kernel reads would end there
    if (strlen(out->c_str()) == length) return true;
  }
  return ThrowTypeError(env, value, name,
                        allow_empty ? "a path string without NUL bytes" : "a non-empty path string without NUL bytes");
}

bool GetBoolean(napi_env env, napi_value value, const char* name, bool optional, bool* out) {
  napi_valuetype type = napi_undefined;
  if (napi_typeof(env, value, &type) == napi_ok) {
    if (type == napi_boolean && napi_get_value_bool(env, value, out) == napi_ok) return true;
    if (type == napi_undefined && optional) {
      *out = false;
      return true;
    }
  }
  return ThrowTypeError(env, value, name, "a boolean");
}

}  // namespace async_file
