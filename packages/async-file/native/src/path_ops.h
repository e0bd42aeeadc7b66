// async-file's path system calls that Node's fs lacks, run on libuv's thread pool (path_ops.cc).
#ifndef ASYNC_FILE_PATH_OPS_H_
#define ASYNC_FILE_PATH_OPS_H_

#include <node_api.h>

// Adds linkFollow to `exports`. On failure an exception is pending, so the require() of the addon throws it.
napi_status RegisterPathOps(napi_env env, napi_value exports);

#endif  // ASYNC_FILE_PATH_OPS_H_
