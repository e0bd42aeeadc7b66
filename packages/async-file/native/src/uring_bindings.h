// The JavaScript face of the io_uring ring (uring_bindings.cc), registered on the addon with the other helpers.
#ifndef ASYNC_FILE_URING_BINDINGS_H_
#define ASYNC_FILE_URING_BINDINGS_H_

#include <node_api.h>

// Adds the Ring class to `exports`. On failure an exception may be pending, so the require() of the addon throws it.
napi_status RegisterRing(napi_env env, napi_value exports);

#endif  // ASYNC_FILE_URING_BINDINGS_H_
