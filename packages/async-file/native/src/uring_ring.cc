// async-file's io_uring ring: raw io_uring syscalls with the kernel's own uapi header (linux/io_uring.h from
// linux-libc-dev), no liburing. One Ring per engine, used only on the JS thread that created it:
//   - requests are prepared into per-slot SQEs; they enter the submission ring at once when there is room (else a
//     backlog), and io_uring_enter submits them in batches: at the end of every completion batch, and once per event
//     loop turn (uv_prepare before the loop blocks, uv_check after it polled) for requests made elsewhere;
//   - an eventfd registered with the ring (IORING_REGISTER_EVENTFD) is watched by Node's own loop (uv_poll); its
//     callback reaps every completion into a shared Int32Array of (slot, result) pairs and calls ONE JS function per
//     batch (through napi_make_callback, so promise reactions and nextTicks run after it);
//   - a read/write buffer stays referenced until its request's completion arrives, whatever JS did: the engine's
//     table of requests holds it (a napi_ref per request cost about 85 ns of a 4 KiB read), and the ring keeps that
//     table alive while any request is live (its strong reference to the dispatch function, which closes over it);
//   - every method is an own property of its Ring, created with the Ring as its data: a prototype method would have
//     to find the Ring with napi_unwrap, which cost about 50 ns per call.
// Cancel: a request still in the unsubmitted part of the ring (or the backlog) becomes a NOP and reports -ECANCELED
// without ever executing; a submitted one gets IORING_OP_ASYNC_CANCEL by user_data. The target's own completion is the
// only one reported (-ECANCELED, or its real result if the kernel could no longer stop it); the cancel's is ignored.
// Linked close (closeAfterCancel): IORING_OP_ASYNC_CANCEL by fd with IORING_ASYNC_CANCEL_ALL, hard-linked
// (IOSQE_IO_HARDLINK) to the IORING_OP_CLOSE of that fd: two adjacent SQEs that always enter the kernel in the same
// io_uring_enter. The close runs after the cancel completed, whatever its result; the cancel's result (how many
// requests it canceled) is kept in the close's slot and read by JS while the close's completion is dispatched.
// Linked new file (writeNewFile): OPENAT into a slot of the registered (direct) descriptor table, IOSQE_IO_LINK to a
// WRITE on that fixed file, IOSQE_IO_HARDLINK to the CLOSE of the slot: three SQEs, one io_uring_enter, three CQEs in
// order; JS is called once, when the last arrives. A failed open cancels the write and the close (nothing to close);
// a failed write still closes.
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "napi_args.h"
#include "path_ops.h"
#include "sync_io.h"

namespace {

using async_file::GetBoolean;
using async_file::GetBytes;
using async_file::GetInteger;
using async_file::GetPath;
using async_file::kMaxSafeInteger;
using async_file::ThrowTypeError;

// Opcodes newer than the linux-libc-dev headers of this distribution (6.1): the values are ABI and never change.
constexpr uint8_t kOpFtruncate = 55;  // IORING_OP_FTRUNCATE, Linux 6.9

constexpr uint64_t kCancelTag = 1ULL << 63;  // user_data of our ASYNC_CANCEL requests: their results are ignored
constexpr uint64_t kLinkedTag = 1ULL << 62;  // with kCancelTag: the linked cancel of a close, result kept (gen | slot)
// user_data of a request: step << 60 | gen << 32 | slot (step: 0, 1, 2 in a linked new-file chain, else 0). gen wraps
// within 28 bits, so it never reaches the step and tag bits above.
constexpr uint32_t kGenMask = (1u << 28) - 1;
constexpr int kStepShift = 60;
constexpr uint32_t kMaxSlots = 1u << 20;

int SysSetup(unsigned entries, io_uring_params* p) { return (int)syscall(__NR_io_uring_setup, entries, p); }
int SysEnter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
  return (int)syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, nullptr, 0);
}
int SysRegister(int fd, unsigned opcode, const void* arg, unsigned nr) {
  return (int)syscall(__NR_io_uring_register, fd, opcode, arg, nr);
}

enum SlotState : uint8_t { kFree, kBacklog, kQueued, kSubmitted };

struct Request {
  uint32_t gen = 0;
  SlotState state = kFree;
  bool skip = false;         // canceled before it was submitted: becomes a NOP, reports -ECANCELED
  bool cancel_sent = false;  // an ASYNC_CANCEL for it was prepared
  bool linked = false;       // a close with a hard-linked cancel-all-by-fd before it (two SQEs)
  bool linked_done = false;  // the linked cancel's completion arrived; linked_res is its result
  bool linked_first = false;  // ... and it arrived before the close's (always, by the hard link)
  int32_t linked_res = 0;
  uint8_t chain_pending = 0;  // a linked new file: CQEs still to come (3, or 1 if skipped before entering the ring)
  int32_t chain_res[3] = {0, 0, 0};  // its open, write and close results
  int32_t direct = -1;       // its slot in the registered file table
  uint32_t ring_index = 0;   // where its SQE sits while kQueued (the close's for a linked close, the open's for a chain)
  io_uring_sqe sqe;
  io_uring_sqe chain_sqes[2];  // a linked new file's write and close
  std::string path1, path2;
  struct statx stx;
};

struct Handles;

struct Ring {
  napi_env env = nullptr;
  int ring_fd = -1, event_fd = -1;
  unsigned features = 0;
  bool has_ftruncate = false;
  bool immediate = false;  // submit at every request instead of once per batch / loop turn
  // submission ring
  void* sq_ptr = nullptr;
  size_t sq_size = 0;
  void* cq_ptr = nullptr;
  size_t cq_size = 0;
  io_uring_sqe* sqes = nullptr;
  size_t sqes_size = 0;
  unsigned *sq_khead = nullptr, *sq_ktail = nullptr, sq_mask = 0, sq_entries = 0;
  unsigned sq_tail = 0;  // local tail: SQEs up to it are written, the kernel sees them at the next enter
  unsigned *cq_khead = nullptr, *cq_ktail = nullptr, cq_mask = 0, cq_entries = 0;
  io_uring_cqe* cqes = nullptr;
  // bookkeeping
  unsigned inflight = 0;         // SQEs in the ring or in the kernel without a completion (cancels included)
  unsigned request_limit = 0;    // request weights in the ring at once: the CQ can never overflow
  unsigned requests_in_ring = 0;
  std::vector<uint32_t> queued_slots;  // kQueued, in ring order
  std::deque<uint32_t> backlog;
  std::vector<Request*> slots;
  std::vector<uint32_t> free_slots;
  std::vector<uint32_t> release_after_dispatch;
  // registered (direct) descriptor table: its size (0: none) and its free entries
  unsigned direct_slots = 0;
  std::vector<int32_t> direct_free;
  unsigned live = 0;  // slots in use
  // JS side
  napi_ref dispatch = nullptr;  // strong while requests are live, weak otherwise
  napi_ref completions_ref = nullptr;
  int32_t* completions = nullptr;
  unsigned completions_pairs = 0;
  napi_async_context async_context = nullptr;
  Handles* handles = nullptr;
  bool in_dispatch = false, closing = false, destroyed = false, hooks_started = false, cleanup_hook = false;
  uint64_t batches = 0, enters = 0, completions_total = 0;
};

struct Handles {
  uv_poll_t poll;
  uv_prepare_t prepare;
  uv_check_t check;
  Ring* ring;
  int open = 0;
};

void Destroy(Ring* r);
void Flush(Ring* r);
void OnPoll(uv_poll_t* handle, int status, int events);

// ---------------------------------------------------------------------------------------------------------------

// Whether `n` more SQEs fit in the submission ring.
bool RingHasRoom(Ring* r, unsigned n = 1) {
  return r->sq_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE) + n <= r->sq_entries;
}

// The SQEs a request takes when it enters the ring: a linked close two, a linked new file three (skipped: one NOP).
unsigned SqesOf(const Request* q) {
  if (q->skip) return 1;
  return q->direct >= 0 ? 3 : q->linked ? 2 : 1;
}

// The CQ entries a request may produce, in pairs (request_limit counts pairs): a request and its possible cancel is
// one; a linked close (cancel + close) one; a linked new file (three + a possible cancel) two.
unsigned WeightOf(const Request* q) { return q->direct >= 0 ? 2 : 1; }

// The linked cancel that goes before a linked close: every request holding the file `fd` refers to is canceled.
io_uring_sqe LinkedCancelSqe(const Request* q) {
  io_uring_sqe sqe;
  memset(&sqe, 0, sizeof sqe);
  sqe.opcode = IORING_OP_ASYNC_CANCEL;
  sqe.fd = q->sqe.fd;
  sqe.cancel_flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
  sqe.flags = IOSQE_IO_HARDLINK;
  sqe.user_data = kCancelTag | kLinkedTag | q->sqe.user_data;
  return sqe;
}

// Turns the unsubmitted SQE at `index` into a NOP with the same user_data (its completion is still matched).
void NopAt(Ring* r, uint32_t index) {
  uint64_t user_data = r->sqes[index].user_data;
  memset(&r->sqes[index], 0, sizeof(io_uring_sqe));
  r->sqes[index].opcode = IORING_OP_NOP;
  r->sqes[index].user_data = user_data;
}

// Skips a request still in the unsubmitted part of the ring: its SQEs (a linked close's cancel, a chain's three) become
// NOPs that keep their user_data, so every completion is still counted.
void SkipQueued(Ring* r, Request* q) {
  q->skip = true;
  NopAt(r, q->ring_index);
  if (q->linked) NopAt(r, (q->ring_index - 1) & r->sq_mask);  // the linked cancel sits just before the close
  if (q->direct >= 0) {
    NopAt(r, (q->ring_index + 1) & r->sq_mask);
    NopAt(r, (q->ring_index + 2) & r->sq_mask);
  }
}

// Writes one SQE into the ring (the caller checked there is room).
void PutSqe(Ring* r, const io_uring_sqe& sqe, uint32_t* index_out) {
  unsigned index = r->sq_tail & r->sq_mask;
  r->sqes[index] = sqe;
  r->sq_tail++;
  r->inflight++;
  if (index_out != nullptr) *index_out = index;
}

void StartHooks(Ring* r) {
  if (r->hooks_started || r->destroyed) return;
  r->hooks_started = true;
  uv_prepare_start(&r->handles->prepare, [](uv_prepare_t* h) { Flush(static_cast<Handles*>(h->data)->ring); });
  uv_check_start(&r->handles->check, [](uv_check_t* h) { Flush(static_cast<Handles*>(h->data)->ring); });
}

void StopHooks(Ring* r) {
  if (!r->hooks_started) return;
  r->hooks_started = false;
  uv_prepare_stop(&r->handles->prepare);
  uv_check_stop(&r->handles->check);
}

// Moves a request into the ring (as itself, or as a NOP if canceled meanwhile).
void Enqueue(Ring* r, uint32_t slot) {
  Request* q = r->slots[slot];
  if (q->skip) {
    io_uring_sqe nop;
    memset(&nop, 0, sizeof nop);
    nop.opcode = IORING_OP_NOP;
    nop.user_data = q->sqe.user_data;
    PutSqe(r, nop, &q->ring_index);
    if (q->direct >= 0) q->chain_pending = 1;  // one NOP for the whole chain
  } else {
    if (q->linked) PutSqe(r, LinkedCancelSqe(q), nullptr);  // the caller checked there is room for all
    PutSqe(r, q->sqe, &q->ring_index);
    if (q->direct >= 0) {
      PutSqe(r, q->chain_sqes[0], nullptr);
      PutSqe(r, q->chain_sqes[1], nullptr);
    }
  }
  q->state = kQueued;
  r->requests_in_ring += WeightOf(q);
  r->queued_slots.push_back(slot);
}

// Backlog -> ring while there is room.
void Drain(Ring* r) {
  while (!r->backlog.empty() && r->requests_in_ring + WeightOf(r->slots[r->backlog.front()]) <= r->request_limit &&
         RingHasRoom(r, SqesOf(r->slots[r->backlog.front()]))) {
    uint32_t slot = r->backlog.front();
    r->backlog.pop_front();
    Enqueue(r, slot);
  }
}

// io_uring_enter for every SQE written so far.
void Submit(Ring* r) {
  if (r->destroyed) return;
  for (;;) {
    // everything the kernel has not consumed yet (a failed enter leaves SQEs published but unconsumed)
    unsigned to_submit = r->sq_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
    if (to_submit == 0) break;
    __atomic_store_n(r->sq_ktail, r->sq_tail, __ATOMIC_RELEASE);
    int ret;
    do {
      ret = SysEnter(r->ring_fd, to_submit, 0, 0);
    } while (ret < 0 && errno == EINTR);
    r->enters++;
    if (ret < 0) break;  // EAGAIN/EBUSY: the SQEs stay in the ring; the next hook submits them
    for (uint32_t slot : r->queued_slots) r->slots[slot]->state = kSubmitted;
    r->queued_slots.clear();
    Drain(r);
    if (r->sq_tail == *r->sq_ktail) break;  // nothing new from the backlog
  }
  if (r->sq_tail != *r->sq_ktail || !r->backlog.empty()) StartHooks(r);
}

void Flush(Ring* r) {
  if (r->destroyed || r->in_dispatch) return;
  StopHooks(r);
  Drain(r);
  Submit(r);
}

void RequestsChanged(Ring* r, bool was_idle) {
  bool idle = r->live == 0;
  if (was_idle == idle || r->destroyed) return;
  if (idle) {
    uv_unref(reinterpret_cast<uv_handle_t*>(&r->handles->poll));
    uint32_t count;
    napi_reference_unref(r->env, r->dispatch, &count);
  } else {
    uv_ref(reinterpret_cast<uv_handle_t*>(&r->handles->poll));
    uint32_t count;
    napi_reference_ref(r->env, r->dispatch, &count);
  }
}

uint32_t AllocSlot(Ring* r) {
  uint32_t slot;
  if (!r->free_slots.empty()) {
    slot = r->free_slots.back();
    r->free_slots.pop_back();
  } else {
    slot = (uint32_t)r->slots.size();
    r->slots.push_back(new Request());
  }
  Request* q = r->slots[slot];
  q->gen = (q->gen + 1) & kGenMask;
  q->skip = false;
  q->cancel_sent = false;
  q->linked = q->linked_done = q->linked_first = false;
  q->linked_res = 0;
  q->chain_pending = 0;
  q->direct = -1;
  memset(&q->sqe, 0, sizeof q->sqe);
  q->sqe.user_data = ((uint64_t)q->gen << 32) | slot;
  return slot;
}

void ReleaseSlot(Ring* r, uint32_t slot) {
  Request* q = r->slots[slot];
  q->path1.clear();
  q->path2.clear();
  q->state = kFree;
  r->free_slots.push_back(slot);
  bool was_idle = r->live == 0;
  r->live--;
  RequestsChanged(r, was_idle);
}

// Starts a prepared request: into the ring, or the backlog if the ring is full.
void Start(Ring* r, uint32_t slot) {
  bool was_idle = r->live == 0;
  r->live++;
  RequestsChanged(r, was_idle);
  unsigned sqes = SqesOf(r->slots[slot]);
  bool fits = r->requests_in_ring + WeightOf(r->slots[slot]) <= r->request_limit;
  if (r->backlog.empty() && fits && !RingHasRoom(r, sqes)) Submit(r);
  if (r->backlog.empty() && fits && RingHasRoom(r, sqes)) {
    Enqueue(r, slot);
  } else {
    r->slots[slot]->state = kBacklog;
    r->backlog.push_back(slot);
  }
  if (r->immediate) Submit(r);
  else if (!r->in_dispatch) StartHooks(r);  // inside a batch: submitted when the batch ends
}

// Reaps every completion (up to the shared array's size) and calls JS once.
void Reap(Ring* r) {
  unsigned head = *r->cq_khead;
  unsigned tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
  unsigned count = 0;
  while (head != tail && count < r->completions_pairs) {
    const io_uring_cqe& cqe = r->cqes[head & r->cq_mask];
    head++;
    r->inflight--;
    uint32_t slot = (uint32_t)(cqe.user_data & 0xffffffffu);
    uint32_t gen = (uint32_t)(cqe.user_data >> 32) & kGenMask;
    bool current = slot < r->slots.size() && r->slots[slot]->gen == gen && r->slots[slot]->state != kFree;
    if (cqe.user_data & kCancelTag) {
      // a linked close's cancel completes before its close starts (hard link): keep its result for the close
      if ((cqe.user_data & kLinkedTag) && current) {
        r->slots[slot]->linked_done = true;
        r->slots[slot]->linked_res = cqe.res;
      }
      continue;
    }
    if (!current) continue;
    Request* q = r->slots[slot];
    if (q->chain_pending > 0) {
      // a linked new file: keep each step's result, deliver once the last of its completions arrived
      unsigned step = (unsigned)(cqe.user_data >> kStepShift) & 3;
      if (step < 3) q->chain_res[step] = q->skip ? -ECANCELED : cqe.res;
      if (--q->chain_pending > 0) continue;
      if (q->skip) q->chain_res[0] = q->chain_res[1] = q->chain_res[2] = -ECANCELED;
    }
    q->linked_first = q->linked_done;
    r->requests_in_ring -= WeightOf(q);
    r->completions[2 * count] = (int32_t)slot;
    r->completions[2 * count + 1] = q->skip ? -ECANCELED : q->direct >= 0 ? q->chain_res[0] : cqe.res;
    if (q->direct >= 0) {
      // the chain is over: its table entry is free again, unless the file was opened and its close failed
      if (q->chain_res[0] < 0 || q->chain_res[2] >= 0) r->direct_free.push_back(q->direct);
      q->direct = -1;
    }
    q->state = kFree;  // completed; the slot is released after the dispatch
    r->release_after_dispatch.push_back(slot);
    count++;
  }
  __atomic_store_n(r->cq_khead, head, __ATOMIC_RELEASE);
  if (count == 0) return;
  r->batches++;
  r->completions_total += count;
  napi_env env = r->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value fn = nullptr, recv, argv[1];
  napi_get_reference_value(env, r->dispatch, &fn);
  if (fn != nullptr) {
    napi_get_global(env, &recv);  // MakeCallback needs an object receiver
    napi_create_uint32(env, count, &argv[0]);
    napi_value result;
    r->in_dispatch = true;
    napi_status status = napi_make_callback(env, r->async_context, recv, fn, 1, argv, &result);
    r->in_dispatch = false;
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (status != napi_ok && pending) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

void OnPoll(uv_poll_t* handle, int status, int /*events*/) {
  Ring* r = static_cast<Handles*>(handle->data)->ring;
  if (r == nullptr || r->destroyed || status < 0) return;
  uint64_t value;
  while (read(r->event_fd, &value, sizeof value) > 0) {
  }
  Reap(r);
  for (uint32_t slot : r->release_after_dispatch) ReleaseSlot(r, slot);
  r->release_after_dispatch.clear();
  if (r->closing && r->live == 0) {
    Destroy(r);
    return;
  }
  Flush(r);
  // completions left because the shared array was full: come back at the next loop turn
  if (*r->cq_khead != __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE)) {
    uint64_t one = 1;
    ssize_t written = write(r->event_fd, &one, sizeof one);
    (void)written;
  }
}

void CloseHandle(uv_handle_t* h) {
  Handles* handles = static_cast<Handles*>(h->data);
  if (--handles->open == 0) delete handles;
}

void Destroy(Ring* r) {
  if (r->destroyed) return;
  r->destroyed = true;
  Handles* h = r->handles;
  if (h != nullptr) {
    h->ring = nullptr;
    uv_poll_stop(&h->poll);
    uv_prepare_stop(&h->prepare);
    uv_check_stop(&h->check);
    uv_close(reinterpret_cast<uv_handle_t*>(&h->poll), CloseHandle);
    uv_close(reinterpret_cast<uv_handle_t*>(&h->prepare), CloseHandle);
    uv_close(reinterpret_cast<uv_handle_t*>(&h->check), CloseHandle);
    r->handles = nullptr;
  }
  // closing the ring cancels and waits for whatever is left (only at process exit can anything be left)
  if (r->ring_fd >= 0) close(r->ring_fd);
  if (r->event_fd >= 0) close(r->event_fd);
  r->ring_fd = r->event_fd = -1;
  if (r->sqes != nullptr) munmap(r->sqes, r->sqes_size);
  if (r->cq_ptr != nullptr && r->cq_ptr != r->sq_ptr) munmap(r->cq_ptr, r->cq_size);
  if (r->sq_ptr != nullptr) munmap(r->sq_ptr, r->sq_size);
  r->sqes = nullptr;
  r->sq_ptr = r->cq_ptr = nullptr;
  for (Request* q : r->slots) delete q;
  r->slots.clear();
  if (r->dispatch != nullptr) napi_delete_reference(r->env, r->dispatch);
  if (r->completions_ref != nullptr) napi_delete_reference(r->env, r->completions_ref);
  r->dispatch = r->completions_ref = nullptr;
  r->completions = nullptr;
  if (r->async_context != nullptr) napi_async_destroy(r->env, r->async_context);
  r->async_context = nullptr;
}

void EnvCleanup(void* data) {
  Ring* r = static_cast<Ring*>(data);
  r->cleanup_hook = false;
  Destroy(r);
}

void Finalize(napi_env env, void* data, void* /*hint*/) {
  Ring* r = static_cast<Ring*>(data);
  if (r->cleanup_hook) napi_remove_env_cleanup_hook(env, EnvCleanup, r);
  Destroy(r);
  delete r;
}

// Sets up the ring; returns an empty string or why io_uring cannot be used.
std::string SetupRing(Ring* r, unsigned entries, unsigned direct_slots) {
  if (entries < 4) entries = 4;  // a linked new file takes three SQEs at once
  io_uring_params p;
  memset(&p, 0, sizeof p);
  p.flags = IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL;
  int fd = SysSetup(entries, &p);
  if (fd < 0 && errno == EINVAL) {
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_CLAMP;
    fd = SysSetup(entries, &p);
  }
  if (fd < 0) {
    int e = errno;
    if (e == ENOSYS) return "io_uring_setup failed with ENOSYS: the kernel has no io_uring (or seccomp hides it)";
    if (e == EPERM)
      return "io_uring_setup failed with EPERM: io_uring is disabled (sysctl kernel.io_uring_disabled) or denied by "
             "seccomp";
    return std::string("io_uring_setup failed: ") + strerror(e);
  }
  r->ring_fd = fd;
  r->features = p.features;
  if (!(p.features & IORING_FEAT_NODROP)) return "the kernel lacks IORING_FEAT_NODROP (Linux 5.5+ needed)";
  r->sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  r->cq_size = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
  bool single = p.features & IORING_FEAT_SINGLE_MMAP;
  if (single) r->sq_size = r->cq_size = r->sq_size > r->cq_size ? r->sq_size : r->cq_size;
  r->sq_ptr = mmap(nullptr, r->sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
  if (r->sq_ptr == MAP_FAILED) {
    r->sq_ptr = nullptr;
    return std::string("mmap of the submission ring failed: ") + strerror(errno);
  }
  if (single) {
    r->cq_ptr = r->sq_ptr;
  } else {
    r->cq_ptr = mmap(nullptr, r->cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
    if (r->cq_ptr == MAP_FAILED) {
      r->cq_ptr = nullptr;
      return std::string("mmap of the completion ring failed: ") + strerror(errno);
    }
  }
  r->sqes_size = p.sq_entries * sizeof(io_uring_sqe);
  void* sqes = mmap(nullptr, r->sqes_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
  if (sqes == MAP_FAILED) return std::string("mmap of the SQE array failed: ") + strerror(errno);
  r->sqes = static_cast<io_uring_sqe*>(sqes);
  char* sq = static_cast<char*>(r->sq_ptr);
  char* cq = static_cast<char*>(r->cq_ptr);
  r->sq_khead = reinterpret_cast<unsigned*>(sq + p.sq_off.head);
  r->sq_ktail = reinterpret_cast<unsigned*>(sq + p.sq_off.tail);
  r->sq_mask = *reinterpret_cast<unsigned*>(sq + p.sq_off.ring_mask);
  r->sq_entries = p.sq_entries;
  unsigned* array = reinterpret_cast<unsigned*>(sq + p.sq_off.array);
  for (unsigned i = 0; i < p.sq_entries; i++) array[i] = i;  // identity: SQE i is ring entry i
  r->sq_tail = *r->sq_ktail;
  r->cq_khead = reinterpret_cast<unsigned*>(cq + p.cq_off.head);
  r->cq_ktail = reinterpret_cast<unsigned*>(cq + p.cq_off.tail);
  r->cq_mask = *reinterpret_cast<unsigned*>(cq + p.cq_off.ring_mask);
  r->cq_entries = p.cq_entries;
  r->cqes = reinterpret_cast<io_uring_cqe*>(cq + p.cq_off.cqes);
  // at most one cancel per request: requests + cancels never exceed the CQ
  r->request_limit = p.cq_entries / 2 < p.sq_entries ? p.cq_entries / 2 : p.sq_entries;

  // the operations the engine needs
  size_t probe_size = sizeof(io_uring_probe) + 256 * sizeof(io_uring_probe_op);
  std::vector<char> probe_mem(probe_size, 0);
  io_uring_probe* probe = reinterpret_cast<io_uring_probe*>(probe_mem.data());
  if (SysRegister(fd, IORING_REGISTER_PROBE, probe, 256) < 0)
    return std::string("IORING_REGISTER_PROBE failed (Linux 5.6+ needed): ") + strerror(errno);
  auto supported = [&](unsigned op) {
    return op <= probe->last_op && op < probe->ops_len && (probe->ops[op].flags & IO_URING_OP_SUPPORTED);
  };
  const struct {
    unsigned op;
    const char* name;
  } needed[] = {{IORING_OP_NOP, "NOP"},         {IORING_OP_READ, "READ"},           {IORING_OP_WRITE, "WRITE"},
                {IORING_OP_OPENAT, "OPENAT"},   {IORING_OP_CLOSE, "CLOSE"},         {IORING_OP_STATX, "STATX"},
                {IORING_OP_FSYNC, "FSYNC"},     {IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL"},
                {IORING_OP_LINKAT, "LINKAT"},   {IORING_OP_UNLINKAT, "UNLINKAT"},   {IORING_OP_RENAMEAT, "RENAMEAT"}};
  for (const auto& n : needed) {
    if (!supported(n.op)) return std::string("the kernel lacks IORING_OP_") + n.name + " (Linux 5.15+ needed)";
  }
  r->has_ftruncate = supported(kOpFtruncate);

  // a sparse registered file table for direct descriptors (Linux 5.19+); without it, writeNewFile returns -1 and the
  // engine runs the three steps as plain requests
  if (direct_slots > 0) {
    io_uring_rsrc_register reg;
    memset(&reg, 0, sizeof reg);
    reg.nr = direct_slots;
    reg.flags = IORING_RSRC_REGISTER_SPARSE;
    if (SysRegister(fd, IORING_REGISTER_FILES2, &reg, sizeof reg) == 0) {
      r->direct_slots = direct_slots;
      for (unsigned i = direct_slots; i > 0; i--) r->direct_free.push_back((int32_t)(i - 1));
    }
  }

  r->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (r->event_fd < 0) return std::string("eventfd failed: ") + strerror(errno);
  if (SysRegister(fd, IORING_REGISTER_EVENTFD, &r->event_fd, 1) < 0)
    return std::string("IORING_REGISTER_EVENTFD failed: ") + strerror(errno);
  return "";
}

// ---------------------------------------------------------------------------------------------------------------
// N-API glue

#define CHECK_NAPI(call)                                             \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, "ERR_IO_URING_NAPI", #call " failed"); \
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
    napi_throw_error(env, "ERR_IO_URING_NAPI", "not a Ring");
    return false;
  }
  a->ring = static_cast<Ring*>(data);
  if (need_open && (a->ring->destroyed || a->ring->closing)) {
    napi_throw_error(env, "ERR_IO_URING_CLOSED", "the io_uring ring is closed");
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
  napi_throw_error(env, "ERR_IO_URING_TOO_MANY_REQUESTS", "too many io_uring requests pending (1,048,576)");
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
    napi_throw_error(env, "ERR_IO_URING_UNAVAILABLE", reason.c_str());
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

  napi_add_env_cleanup_hook(env, EnvCleanup, r);
  r->cleanup_hook = true;
  if (napi_wrap(env, self, r, Finalize, nullptr, nullptr) != napi_ok || DefineMethods(env, self, r) != napi_ok) {
    napi_throw_error(env, "ERR_IO_URING_NAPI", "napi_wrap or napi_define_properties failed");
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
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "chainResult(slot, 0..2)");
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
    napi_throw_error(env, "ERR_IO_URING_NO_FTRUNCATE", "the kernel lacks IORING_OP_FTRUNCATE (Linux 6.9+)");
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

// Prepares an ASYNC_CANCEL (submitted with the next batch). Returns false if there is no room at all.
bool PutCancel(Ring* r, uint64_t user_data, uint32_t flags, uint32_t tag_slot) {
  if (!RingHasRoom(r)) {
    Submit(r);
    if (!RingHasRoom(r)) return false;
  }
  io_uring_sqe sqe;
  memset(&sqe, 0, sizeof sqe);
  sqe.opcode = IORING_OP_ASYNC_CANCEL;
  sqe.fd = -1;
  sqe.addr = user_data;
  sqe.cancel_flags = flags;
  sqe.user_data = kCancelTag | tag_slot;
  PutSqe(r, sqe, nullptr);
  return true;
}

// cancel(slot): skips a request not yet submitted; asks the kernel to cancel a submitted one. Returns what was done:
// 0 nothing (completed, or already asked), 1 skipped before submission, 2 ASYNC_CANCEL prepared.
napi_value RingCancel(napi_env env, napi_callback_info info) {
  Args a;
  if (!GetArgs(env, info, &a, false)) return nullptr;
  int32_t slot;
  if (!GetSlot(env, a.argv[0], &slot)) return nullptr;
  Ring* r = a.ring;
  int32_t outcome = 0;
  if (!r->destroyed && slot >= 0 && (uint32_t)slot < r->slots.size()) {
    Request* q = r->slots[slot];
    if (q->state == kBacklog && !q->skip) {
      q->skip = true;
      outcome = 1;
    } else if (q->state == kQueued && !q->skip) {
      // still in the unsubmitted part of the ring: the kernel has not seen it, turn it into a NOP
      SkipQueued(r, q);
      outcome = 1;
    } else if (q->state == kSubmitted && !q->cancel_sent && !q->linked) {
      // (a submitted linked close is not canceled: a close cannot be stopped, and its cancel already has a CQE)
      q->cancel_sent = true;
      if (PutCancel(r, q->sqe.user_data, 0, (uint32_t)slot)) {
        outcome = 2;
        if (r->immediate) Submit(r);
        else if (!r->in_dispatch) StartHooks(r);
      }
    }
  }
  napi_value result;
  napi_create_int32(env, outcome, &result);
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
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "readStat(slot, out): no such slot");
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
  Ring* r = a.ring;
  if (!r->destroyed && !r->closing) {
    r->closing = true;
    if (r->live == 0 && !r->in_dispatch) {
      Destroy(r);
    } else {
      for (uint32_t slot : r->backlog) r->slots[slot]->skip = true;
      for (uint32_t slot : r->queued_slots) {
        Request* q = r->slots[slot];
        if (!q->skip) SkipQueued(r, q);
      }
      bool any_submitted = false;
      for (Request* q : r->slots) any_submitted = any_submitted || q->state == kSubmitted;
      if (any_submitted) PutCancel(r, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL, 0);
      if (!r->in_dispatch) Flush(r);
    }
  }
  napi_value result;
  napi_get_boolean(env, r->destroyed, &result);
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

NAPI_MODULE_INIT() {
  napi_value ring_class;
  napi_define_class(env, "Ring", NAPI_AUTO_LENGTH, RingNew, nullptr, 0, nullptr, &ring_class);
  napi_set_named_property(env, exports, "Ring", ring_class);
  // the synchronous fast-path helpers (sync_io.cc) share this addon: one build, one file to load
  if (RegisterSyncIo(env, exports) != napi_ok) return nullptr;
  if (RegisterPathOps(env, exports) != napi_ok) return nullptr;
  return exports;
}
