// async-file's path system calls that Node's fs lacks, each run as N-API async work on libuv's thread pool (as fs
// calls are), so the event loop never waits for the disk:
//   - linkFollow(oldPath, newPath, callback): linkat(AT_FDCWD, oldPath, AT_FDCWD, newPath, AT_SYMLINK_FOLLOW). With
//     oldPath "/proc/self/fd/N" it names the file open at N, unnamed (O_TMPFILE) files included: the one way to do that
//     without privileges, which Node's fs.link (plain link(2), no AT_SYMLINK_FOLLOW) cannot.
// The callback receives 0 or -errno, once, on the JS thread; it is never called if the arguments are refused (a
// TypeError naming the value is thrown instead, before any work is queued).
#include "path_ops.h"

#include "error_codes.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "napi_args.h"

namespace {

struct LinkWork {
  napi_async_work work = nullptr;
  napi_ref callback = nullptr;
  std::string old_path, new_path;
  int result = 0;
};

void LinkExecute(napi_env /*env*/, void* data) {
  LinkWork* w = static_cast<LinkWork*>(data);
  int result = linkat(AT_FDCWD, w->old_path.c_str(), AT_FDCWD, w->new_path.c_str(), AT_SYMLINK_FOLLOW);
  w->result = result == 0 ? 0 : -errno;
}

// Runs on the JS thread inside N-API's callback scope: a throwing callback surfaces as an uncaught exception, as a
// throwing fs callback does.
void LinkComplete(napi_env env, napi_status status, void* data) {
  LinkWork* w = static_cast<LinkWork*>(data);
  int result = status == napi_cancelled ? -ECANCELED : w->result;
  napi_value callback = nullptr, global, argv[1], ignored;
  napi_get_reference_value(env, w->callback, &callback);
  napi_delete_reference(env, w->callback);
  napi_delete_async_work(env, w->work);
  delete w;
  if (callback == nullptr) return;
  napi_get_global(env, &global);
  napi_create_int32(env, result, &argv[0]);
  napi_call_function(env, global, callback, 1, argv, &ignored);
}

napi_value LinkFollow(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  std::string old_path, new_path;
  if (!async_file::GetPath(env, argv[0], "oldPath", false, &old_path) ||
      !async_file::GetPath(env, argv[1], "newPath", false, &new_path)) {
    return nullptr;
  }
  napi_valuetype type = napi_undefined;
  napi_typeof(env, argv[2], &type);
  if (type != napi_function) {
    async_file::ThrowTypeError(env, argv[2], "callback", "a function");
    return nullptr;
  }
  LinkWork* w = new LinkWork();
  w->old_path = std::move(old_path);
  w->new_path = std::move(new_path);
  napi_value name;
  if (napi_create_string_utf8(env, "AsyncFileLink", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_reference(env, argv[2], 1, &w->callback) != napi_ok ||
      napi_create_async_work(env, nullptr, name, LinkExecute, LinkComplete, w, &w->work) != napi_ok ||
      napi_queue_async_work(env, w->work) != napi_ok) {
    if (w->work != nullptr) napi_delete_async_work(env, w->work);
    if (w->callback != nullptr) napi_delete_reference(env, w->callback);
    delete w;
    napi_throw_error(env, async_file::kErrPathOpsNapi, "could not queue the link on the thread pool");
    return nullptr;
  }
  return nullptr;
}

}  // namespace

napi_status RegisterPathOps(napi_env env, napi_value exports) {
  napi_property_descriptor functions[] = {
      {"linkFollow", nullptr, LinkFollow, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_status status = napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  bool is_pending = false;
  if (status != napi_ok && napi_is_exception_pending(env, &is_pending) == napi_ok && !is_pending) {
    napi_throw_error(env, async_file::kErrPathOpsNapi, "could not add the path functions to the addon");
  }
  return status;
}
