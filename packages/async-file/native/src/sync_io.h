// async-file's synchronous fast-path helpers (sync_io.cc), registered on the same addon as the io_uring Ring.
#ifndef ASYNC_FILE_SYNC_IO_H_
#define ASYNC_FILE_SYNC_IO_H_

#include <node_api.h>

// Adds preadNoWait, pwriteNoWait, isCached, fadvise, directIoAlignment and alignmentGap to `exports`. On failure an
// exception is pending, so the require() of the addon throws it.
napi_status RegisterSyncIo(napi_env env, napi_value exports);

#endif  // ASYNC_FILE_SYNC_IO_H_
