// The JavaScript face of async-file's io_uring ring (uring_ring.h): the Ring class, whose methods prepare one request
// each and return its slot. Every method is an own property of its Ring, created with the Ring as its data: a
// prototype method would have to find the Ring with napi_unwrap, which costs more per call than the rest of it.
#include "uring_bindings.h"

#include <fcntl.h>

#include <algorithm>
#include <string>

#include "error_codes.h"
#include "napi_args.h"
#include "uring_ring.h"

namespace {

using async_file::GetBoolean;
using async_file::GetBytes;
using async_file::GetInteger;
using async_file::GetPath;
using async_file::kErrIoUringClosed;
using async_file::kErrIoUringNapi;
using async_file::kErrIoUringNoFtruncate;
using async_file::kErrIoUringTooManyRequests;
using async_file::kErrIoUringUnavailable;
using async_file::kErrOutOfRange;
using async_file::kMaxSafeInteger;
using async_file::ThrowTypeError;
using namespace async_file::uring;  // NOLINT: the ring's types and functions are this file's whole subject

#define CHECK_NAPI(call)                                             \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, kErrIoUringNapi, #call " failed");    \
      return nullptr;                                                \
    }                                                                \
  } while (0)

bool HasFreeSlot(napi_env env, Ring* r);

struct Args {
  napi_value self;
  napi_value argv[8];
  size_t argc = 8;
  Ring* ring = nullptr;
};

// The Ring is the data of the method (see DefineMethods), not found with napi_unwrap.
bool GetArgs(napi_env env, napi_callback_info info, Args* a, bool need_open = true) {
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &a->argc, a->argv, &a->self, &data) != napi_ok) return false;
  if (data == nullptr) {
    napi_throw_error(env, kErrIoUringNapi, "not a Ring");
    return false;
  }
  a->ring = static_cast<Ring*>(data);
  if (need_open && (a->ring->destroyed || a->ring->closing)) {
    napi_throw_error(env, kErrIoUringClosed, "the io_uring ring is closed");
    return false;
  }
  if (need_open && !HasFreeSlot(env, a->ring)) return false;
  return true;
}

// An int32 argument in [min, max] (see GetInteger).
bool GetInt(napi_env env, napi_value v, const char* name, int32_t min, int32_t max, int32_t* out) {
  int64_t value;
  if (!GetInteger(env, v, name, min, max, &value)) return false;
  *out = (int32_t)value;
  return true;
}

// A descriptor number: the kernel's fds are ints >= 0.
bool GetFd(napi_env env, napi_value v, const char* name, int32_t* out) { return GetInt(env, v, name, 0, INT32_MAX, out); }

// A slot number handed out by this ring.
bool GetSlot(napi_env env, napi_value v, int32_t* out) { return GetInt(env, v, "slot", 0, INT32_MAX, out); }

// A buffer and the range [offset, offset + length) inside it: at most INT32_MAX bytes (an SQE's len is 32 bits, and
// the kernel caps a read or write below 2 GiB anyway).
bool GetRange(napi_env env, napi_value* argv, uint8_t** data, int32_t* offset, int32_t* length) {
  uint8_t* bytes = nullptr;
  size_t size = 0;
  int64_t start, count;
  if (!GetBytes(env, argv[0], "buffer", &bytes, &size) ||
      !GetInteger(env, argv[1], "offset", 0, (int64_t)size, &start) ||
      !GetInteger(env, argv[2], "length", 0, std::min<int64_t>((int64_t)size - start, INT32_MAX), &count)) {
    return false;
  }
  *data = bytes;
  *offset = (int32_t)start;
  *length = (int32_t)count;
  return true;
}

// Refuses a request when kMaxSlots are live (a runaway producer): the ring keeps a slot per unfinished request.
bool HasFreeSlot(napi_env env, Ring* r) {
  if (r->live < kMaxSlots) return true;
  napi_throw_error(env, kErrIoUringTooManyRequests, "too many io_uring requests pending (1,048,576)");
  return false;
}

napi_value Started(napi_env env, Ring* r, uint32_t slot) {
  Start(r, slot);
  napi_value result;
  napi_create_uint32(env, slot, &result);
  return result;
}

napi_status DefineMethods(napi_env env, napi_value self, Ring* r);

// new Ring(entries, completions: Int32Array, dispatch: (count) => void, immediate: boolean, directSlots: number)
napi_value RingNew(napi_env env, napi_callback_info info) {
  napi_value self, argv[5];
  size_t argc = 5;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, &self, nullptr));
  int32_t entries, direct_slots;
  if (!GetInt(env, argv[0], "entries", 1, 32768, &entries)) return nullptr;
  bool is_typed = false;
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* data = nullptr;
  if (napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array) {
    ThrowTypeError(env, argv[1], "completions", "an Int32Array");
    return nullptr;
  }
  napi_valuetype dispatch_type = napi_undefined;
  napi_typeof(env, argv[2], &dispatch_type);
  if (dispatch_type != napi_function) {
    ThrowTypeError(env, argv[2], "dispatch", "a function");
    return nullptr;
  }
  bool immediate = false;
  if (!GetBoolean(env, argv[3], "immediate", true, &immediate)) return nullptr;
  if (!GetInt(env, argv[4], "directSlots", 0, 65536, &direct_slots)) return nullptr;
  Ring* r = new Ring();
  r->env = env;
  r->immediate = immediate;
  std::string reason = SetupRing(r, (unsigned)entries, direct_slots > 0 ? (unsigned)direct_slots : 0);
  if (reason.empty() && length / 2 < r->cq_entries) reason = "the completions array is smaller than the CQ";
  if (!reason.empty()) {
    Destroy(r);
    delete r;
    napi_throw_error(env, kErrIoUringUnavailable, reason.c_str());
    return nullptr;
  }
  r->completions = static_cast<int32_t*>(data);
  r->completions_pairs = (unsigned)(length / 2);
  napi_create_reference(env, argv[1], 1, &r->completions_ref);
  napi_create_reference(env, argv[2], 0, &r->dispatch);
  napi_value resource_name;
  napi_create_string_utf8(env, "IoUringCompletions", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, self, resource_name, &r->async_context);

  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  Handles* h = new Handles();
  h->ring = r;
  r->handles = h;
  uv_poll_init(loop, &h->poll, r->event_fd);
  uv_prepare_init(loop, &h->prepare);
  uv_check_init(loop, &h->check);
  h->poll.data = h->prepare.data = h->check.data = h;
  h->open = 3;
  uv_poll_start(&h->poll, UV_READABLE, OnPoll);
  uv_unref(reinterpret_cast<uv_handle_t*>(&h->poll));
  uv_unref(reinterpret_cast<uv_handle_t*>(&h->prepare));
  uv_unref(reinterpret_cast<uv_handle_t*>(&h->check));

  // async: the environment must wait for libuv to close the handles before it unloads the addon (see Handles)
  napi_add_async_cleanup_hook(env, EnvCleanup, h, &h->cleanup_hook);
  if (napi_wrap(env, self, r, Finalize, nullptr, nullptr) != napi_ok || DefineMethods(env, self, r) != napi_ok) {
    napi_throw_error(env, kErrIoUringNapi, "napi_wrap or napi_define_properties failed");
    return nullptr;
  }
  return self;
}

// openat(path, flags, mode) -> slot   (AT_FDCWD; O_CLOEXEC is the caller's to add)
napi_value RingOpenat(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a)) return nullptr;
  int32_t flags, mode;
  std::string path;
  if (!GetPath(env, a.argv[0], "path", false, &path) || !GetInt(env, a.argv[1], "flags", 0, INT32_MAX, &flags) ||
      !GetInt(env, a.argv[2], "mode", 0, 07777, &mode))
    return nullptr;
  uint32_t slot = AllocSlot(a.ring);
  Request* q = a.ring->slots[slot];
  q->path1 = std::move(path);
  q->sqe.opcode = IORING_OP_OPENAT;
  q->sqe.fd = AT_FDCWD;
  q->sqe.addr = (uint64_t)(uintptr_t)q->path1.c_str();
  q->sqe.len = (uint32_t)mode;
  q->sqe.open_flags = (uint32_t)flags;
  return Started(env, a.ring, slot);
}

// read/write(fd, buffer: Uint8Array, offset, length, position) -> slot
napi_value ReadWrite(napi_env env, napi_callback_info info, uint8_t opcode) {
  Args a;
  if (!GetArgs(env, info, &a)) return nullptr;
  int32_t fd, offset, length;
  int64_t position;
  uint8_t* data = nullptr;
  if (!GetFd(env, a.argv[0], "fd", &fd) || !GetRange(env, a.argv + 1, &data, &offset, &length) ||
      !GetInteger(env, a.argv[4], "position", 0, kMaxSafeInteger, &position))
    return nullptr;
  uint32_t slot = AllocSlot(a.ring);
  Request* q = a.ring->slots[slot];
  q->sqe.opcode = opcode;
  q->sqe.fd = fd;
  q->sqe.addr = (uint64_t)(uintptr_t)(data + offset);
  q->sqe.len = (uint32_t)length;
  q->sqe.off = (uint64_t)position;
  return Started(env, a.ring, slot);
}

napi_value RingRead(napi_env env, napi_callback_info info) { return ReadWrite(env, info, IORING_OP_READ); }
napi_value RingWrite(napi_env env, napi_callback_info info) { return ReadWrite(env, info, IORING_OP_WRITE); }

// close(fd), fsync(fd), ftruncate(fd, length) -> slot
napi_value FdOp(napi_env env, napi_callback_info info, uint8_t opcode) {
  Args a;
  if (!GetArgs(env, info, &a)) return nullptr;
  int32_t fd;
  int64_t length = 0;
  if (!GetFd(env, a.argv[0], "fd", &fd)) return nullptr;
  if (opcode == kOpFtruncate && !GetInteger(env, a.argv[1], "length", 0, kMaxSafeInteger, &length)) return nullptr;
  uint32_t slot = AllocSlot(a.ring);
  Request* q = a.ring->slots[slot];
  q->sqe.opcode = opcode;
  q->sqe.fd = fd;
  if (opcode == kOpFtruncate) q->sqe.off = (uint64_t)length;
  return Started(env, a.ring, slot);
}

napi_value RingClose(napi_env env, napi_callback_info info) { return FdOp(env, info, IORING_OP_CLOSE); }

// closeAfterCancel(fd) -> slot: ASYNC_CANCEL(fd, CANCEL_FD | CANCEL_ALL) hard-linked to CLOSE(fd), one submission.
// The slot's completion is the close's; linkedResult(slot) gives the cancel's while it is dispatched.
napi_value RingCloseAfterCancel(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a)) return nullptr;
  int32_t fd;
  if (!GetFd(env, a.argv[0], "fd", &fd)) return nullptr;
  uint32_t slot = AllocSlot(a.ring);
  Request* q = a.ring->slots[slot];
  q->linked = true;
  q->sqe.opcode = IORING_OP_CLOSE;
  q->sqe.fd = fd;
  return Started(env, a.ring, slot);
}

// writeNewFile(path, flags, mode, buffer, offset, length, position) -> slot, or -1 if no direct descriptor is free:
// OPENAT(path) into a free entry of the registered file table --link--> WRITE(buffer) on it --hardlink--> CLOSE it.
// `flags` must not hold O_CLOEXEC (the kernel refuses it for direct descriptors, which no exec can inherit anyway).
// The slot's completion carries the open's result; chainResult(slot, 0..2) gives each step's while it is dispatched.
napi_value RingWriteNewFile(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a)) return nullptr;
  Ring* r = a.ring;
  int32_t flags, mode, offset, length;
  int64_t position;
  std::string path;
  uint8_t* data = nullptr;
  if (!GetPath(env, a.argv[0], "path", false, &path) || !GetInt(env, a.argv[1], "flags", 0, INT32_MAX, &flags) ||
      !GetInt(env, a.argv[2], "mode", 0, 07777, &mode) || !GetRange(env, a.argv + 3, &data, &offset, &length) ||
      !GetInteger(env, a.argv[6], "position", 0, kMaxSafeInteger, &position))
    return nullptr;
  napi_value result;
  if (r->direct_free.empty()) {
    napi_create_int32(env, -1, &result);
    return result;
  }
  int32_t direct = r->direct_free.back();
  r->direct_free.pop_back();
  uint32_t slot = AllocSlot(r);
  Request* q = r->slots[slot];
  q->direct = direct;
  q->chain_pending = 3;
  q->chain_res[0] = q->chain_res[1] = q->chain_res[2] = 0;
  q->path1 = std::move(path);
  uint64_t user_data = q->sqe.user_data;
  q->sqe.opcode = IORING_OP_OPENAT;
  q->sqe.fd = AT_FDCWD;
  q->sqe.addr = (uint64_t)(uintptr_t)q->path1.c_str();
  q->sqe.len = (uint32_t)mode;
  q->sqe.open_flags = (uint32_t)flags;
  q->sqe.file_index = (uint32_t)direct + 1;
  q->sqe.flags = IOSQE_IO_LINK;
  io_uring_sqe& write = q->chain_sqes[0];
  memset(&write, 0, sizeof write);
  write.opcode = IORING_OP_WRITE;
  write.fd = direct;
  write.flags = IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
  write.addr = (uint64_t)(uintptr_t)(data + offset);
  write.len = (uint32_t)length;
  write.off = (uint64_t)position;
  write.user_data = user_data | (1ULL << kStepShift);
  io_uring_sqe& close = q->chain_sqes[1];
  memset(&close, 0, sizeof close);
  close.opcode = IORING_OP_CLOSE;
  close.file_index = (uint32_t)direct + 1;
  close.user_data = user_data | (2ULL << kStepShift);
  return Started(env, r, slot);
}

// chainResult(slot, step) -> the result of step 0 (open), 1 (write) or 2 (close) of a linked new file; valid while its
// completion is dispatched.
napi_value RingChainResult(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a, false)) return nullptr;
  int32_t slot, step;
  if (!GetSlot(env, a.argv[0], &slot) || !GetInt(env, a.argv[1], "step", 0, 2, &step)) return nullptr;
  napi_value result;
  if (slot < 0 || (uint32_t)slot >= a.ring->slots.size() || step < 0 || step > 2) {
    napi_throw_range_error(env, kErrOutOfRange, "chainResult(slot, 0..2)");
    return nullptr;
  }
  napi_create_int32(env, a.ring->slots[slot]->chain_res[step], &result);
  return result;
}

// linkedResult(slot) -> the linked cancel's result (requests canceled, or -errno), or undefined if its completion did
// not arrive before the close's (it always does, unless both were skipped); valid while the close's completion is
// dispatched.
napi_value RingLinkedResult(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a, false)) return nullptr;
  int32_t slot;
  if (!GetSlot(env, a.argv[0], &slot)) return nullptr;
  napi_value result;
  if (slot < 0 || (uint32_t)slot >= a.ring->slots.size() || !a.ring->slots[slot]->linked_first) {
    napi_get_undefined(env, &result);
  } else {
    napi_create_int32(env, a.ring->slots[slot]->linked_res, &result);
  }
  return result;
}
napi_value RingFsync(napi_env env, napi_callback_info info) { return FdOp(env, info, IORING_OP_FSYNC); }
napi_value RingFtruncate(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a, false)) return nullptr;
  if (!a.ring->has_ftruncate) {
    napi_throw_error(env, kErrIoUringNoFtruncate, "the kernel lacks IORING_OP_FTRUNCATE (Linux 6.9+)");
    return nullptr;
  }
  return FdOp(env, info, kOpFtruncate);
}

// statx(fd, path): fd >= 0 with path "" for fstat (AT_EMPTY_PATH), else a path from the cwd -> slot
napi_value RingStatx(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a)) return nullptr;
  int32_t fd;
  std::string path;
  if (!GetInt(env, a.argv[0], "fd", -1, INT32_MAX, &fd) || !GetPath(env, a.argv[1], "path", fd >= 0, &path))
    return nullptr;
  uint32_t slot = AllocSlot(a.ring);
  Request* q = a.ring->slots[slot];
  q->path1 = std::move(path);
  memset(&q->stx, 0, sizeof q->stx);
  q->sqe.opcode = IORING_OP_STATX;
  q->sqe.fd = fd >= 0 ? fd : AT_FDCWD;
  q->sqe.addr = (uint64_t)(uintptr_t)q->path1.c_str();
  q->sqe.len = STATX_BASIC_STATS | STATX_BTIME;
  q->sqe.addr2 = (uint64_t)(uintptr_t)&q->stx;
  q->sqe.statx_flags = (fd >= 0 ? AT_EMPTY_PATH : 0) | AT_STATX_SYNC_AS_STAT;
  return Started(env, a.ring, slot);
}

// linkat(oldPath, newPath, flags), renameat(from, to), unlinkat(path) -> slot (all relative to the cwd)
napi_value PathOp(napi_env env, napi_callback_info info, uint8_t opcode) {
  Args a;
  if (!GetArgs(env, info, &a)) return nullptr;
  std::string p1, p2;
  int32_t flags = 0;
  if (!GetPath(env, a.argv[0], opcode == IORING_OP_RENAMEAT ? "from" : opcode == IORING_OP_LINKAT ? "oldPath" : "path",
               false, &p1))
    return nullptr;
  if (opcode != IORING_OP_UNLINKAT &&
      !GetPath(env, a.argv[1], opcode == IORING_OP_RENAMEAT ? "to" : "newPath", false, &p2))
    return nullptr;
  if (opcode == IORING_OP_LINKAT && !GetInt(env, a.argv[2], "flags", 0, INT32_MAX, &flags)) return nullptr;
  uint32_t slot = AllocSlot(a.ring);
  Request* q = a.ring->slots[slot];
  q->path1 = std::move(p1);
  q->path2 = std::move(p2);
  q->sqe.opcode = opcode;
  q->sqe.fd = AT_FDCWD;
  q->sqe.addr = (uint64_t)(uintptr_t)q->path1.c_str();
  if (opcode != IORING_OP_UNLINKAT) {
    q->sqe.len = (uint32_t)AT_FDCWD;
    q->sqe.addr2 = (uint64_t)(uintptr_t)q->path2.c_str();
  }
  if (opcode == IORING_OP_LINKAT) q->sqe.hardlink_flags = (uint32_t)flags;
  return Started(env, a.ring, slot);
}

napi_value RingLinkat(napi_env env, napi_callback_info info) { return PathOp(env, info, IORING_OP_LINKAT); }
napi_value RingRenameat(napi_env env, napi_callback_info info) { return PathOp(env, info, IORING_OP_RENAMEAT); }
napi_value RingUnlinkat(napi_env env, napi_callback_info info) { return PathOp(env, info, IORING_OP_UNLINKAT); }

// cancel(slot): skips a request not yet submitted; asks the kernel to cancel a submitted one. Returns what was done:
// 0 nothing (completed, or already asked), 1 skipped before submission, 2 ASYNC_CANCEL prepared.
napi_value RingCancel(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a, false)) return nullptr;
  int32_t slot;
  if (!GetSlot(env, a.argv[0], &slot)) return nullptr;
  napi_value result;
  napi_create_int32(env, Cancel(a.ring, (uint32_t)slot), &result);
  return result;
}

// readStat(slot, out: Float64Array(14)): the statx result of a completed statx request; valid during its dispatch.
napi_value RingReadStat(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a, false)) return nullptr;
  int32_t slot;
  if (!GetSlot(env, a.argv[0], &slot)) return nullptr;
  napi_typedarray_type type;
  size_t length;
  void* data;
  bool is_typed = false;
  if (napi_is_typedarray(env, a.argv[1], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, a.argv[1], &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array || length < 14) {
    ThrowTypeError(env, a.argv[1], "out", "a Float64Array of at least 14 elements");
    return nullptr;
  }
  if ((uint32_t)slot >= a.ring->slots.size()) {
    napi_throw_range_error(env, kErrOutOfRange, "readStat(slot, out): no such slot");
    return nullptr;
  }
  const struct statx& s = a.ring->slots[slot]->stx;
  double* out = static_cast<double*>(data);
  auto ms = [](const statx_timestamp& t) { return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6; };
  // dev_t as glibc's makedev() encodes it (what fs.Stats.dev shows)
  auto dev = [](uint32_t major, uint32_t minor) {
    return (double)((((uint64_t)major & 0xfffff000u) << 32) | (((uint64_t)major & 0xfffu) << 8) |
                    (((uint64_t)minor & 0xffffff00u) << 12) | ((uint64_t)minor & 0xffu));
  };
  out[0] = dev(s.stx_dev_major, s.stx_dev_minor);
  out[1] = (double)s.stx_ino;
  out[2] = s.stx_mode;
  out[3] = s.stx_nlink;
  out[4] = s.stx_uid;
  out[5] = s.stx_gid;
  out[6] = dev(s.stx_rdev_major, s.stx_rdev_minor);
  out[7] = (double)s.stx_size;
  out[8] = s.stx_blksize;
  out[9] = (double)s.stx_blocks;
  out[10] = ms(s.stx_atime);
  out[11] = ms(s.stx_mtime);
  out[12] = ms(s.stx_ctime);
  out[13] = (s.stx_mask & STATX_BTIME) ? ms(s.stx_btime) : 0;
  return nullptr;
}

// close(): no new requests; cancels what is pending; the ring is torn down once nothing is pending. Returns true if
// it is already torn down.
napi_value RingShutdown(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a, false)) return nullptr;
  Shutdown(a.ring);
  napi_value result;
  napi_get_boolean(env, a.ring->destroyed, &result);
  return result;
}

// info(): { sqEntries, cqEntries, requestLimit, features, hasFtruncate, live, inflight, batches, enters, completions,
// closed }
napi_value RingInfo(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a, false)) return nullptr;
  Ring* r = a.ring;
  napi_value obj, v;
  napi_create_object(env, &obj);
  auto set = [&](const char* name, double value) {
    napi_create_double(env, value, &v);
    napi_set_named_property(env, obj, name, v);
  };
  set("sqEntries", r->sq_entries);
  set("cqEntries", r->cq_entries);
  set("requestLimit", r->request_limit);
  set("directSlots", r->direct_slots);
  set("directFree", (double)r->direct_free.size());
  set("features", r->features);
  // completed in the batch being dispatched: their slots are released only once the dispatch returns
  set("live", (double)(r->live - r->release_after_dispatch.size()));
  set("inflight", r->inflight);
  set("backlog", (double)r->backlog.size());
  set("batches", (double)r->batches);
  set("enters", (double)r->enters);
  set("completions", (double)r->completions_total);
  napi_get_boolean(env, r->has_ftruncate, &v);
  napi_set_named_property(env, obj, "hasFtruncate", v);
  napi_get_boolean(env, r->destroyed, &v);
  napi_set_named_property(env, obj, "closed", v);
  return obj;
}

// The methods of a new Ring, as its own properties with the Ring as their data (GetArgs), read-only. They hold a raw
// pointer to the Ring, which Finalize deletes when the Ring object is collected: only the engine, which keeps its Ring
// for as long as it calls them, ever sees these functions.
napi_status DefineMethods(napi_env env, napi_value self, Ring* r) {
  napi_property_descriptor methods[] = {
      {"openat", nullptr, RingOpenat, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"read", nullptr, RingRead, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"write", nullptr, RingWrite, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, RingClose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"closeAfterCancel", nullptr, RingCloseAfterCancel, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"linkedResult", nullptr, RingLinkedResult, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"writeNewFile", nullptr, RingWriteNewFile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"chainResult", nullptr, RingChainResult, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fsync", nullptr, RingFsync, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"ftruncate", nullptr, RingFtruncate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"statx", nullptr, RingStatx, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"linkat", nullptr, RingLinkat, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"renameat", nullptr, RingRenameat, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unlinkat", nullptr, RingUnlinkat, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"cancel", nullptr, RingCancel, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"readStat", nullptr, RingReadStat, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"shutdown", nullptr, RingShutdown, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, RingInfo, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  for (napi_property_descriptor& method : methods) method.data = r;
  return napi_define_properties(env, self, sizeof methods / sizeof methods[0], methods);
}

}  // namespace

napi_status RegisterRing(napi_env env, napi_value exports) {
  napi_value ring_class;
  napi_status status = napi_define_class(env, "Ring", NAPI_AUTO_LENGTH, RingNew, nullptr, 0, nullptr, &ring_class);
  if (status != napi_ok) return status;
  return napi_set_named_property(env, exports, "Ring", ring_class);
}
