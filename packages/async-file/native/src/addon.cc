// The native addon of async-op-file: one binary, loaded once (src/internal/native-addon.ts), with the io_uring ring
// (uring_bindings.cc), the fast path's synchronous helpers (sync_io.cc) and the path calls Node's fs lacks
// (path_ops.cc).
#include <node_api.h>

#include "path_ops.h"
#include "sync_io.h"
#include "uring_bindings.h"

NAPI_MODULE_INIT() {
  if (RegisterRing(env, exports) != napi_ok) return nullptr;
  if (RegisterSyncIo(env, exports) != napi_ok) return nullptr;
  if (RegisterPathOps(env, exports) != napi_ok) return nullptr;
  return exports;
}
