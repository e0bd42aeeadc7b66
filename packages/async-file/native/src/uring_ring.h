// async-file's io_uring ring (uring_ring.cc; its N-API bindings: uring_bindings.cc): raw io_uring syscalls with the
// kernel's own uapi header (linux/io_uring.h from linux-libc-dev), no liburing. One Ring per engine, used only on the
// JS thread that created it:
//   - requests are prepared into per-slot SQEs; they enter the submission ring at once when there is room (else a
//     backlog), and io_uring_enter submits them in batches: at the end of every completion batch, and once per event
//     loop turn (uv_prepare before the loop blocks, uv_check after it polled) for requests made elsewhere;
//   - an eventfd registered with the ring (IORING_REGISTER_EVENTFD) is watched by Node's own loop (uv_poll); its
//     callback reaps every completion into a shared Int32Array of (slot, result) pairs and calls ONE JS function per
//     batch (through napi_make_callback, so promise reactions and nextTicks run after it);
//   - a read/write buffer stays referenced until its request's completion arrives, whatever JS did: the engine's
//     table of requests holds it (cheaper than a napi_ref per request: bench/journal/async-file.md), and the ring
//     keeps that table alive while any request is live (its strong reference to the dispatch function, which closes
//     over it);
//   - every method is an own property of its Ring, created with the Ring as its data: a prototype method would have
//     to find the Ring with napi_unwrap, which costs more per call.
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
#ifndef ASYNC_FILE_URING_RING_H_
#define ASYNC_FILE_URING_RING_H_

#include <linux/io_uring.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include <deque>
#include <string>
#include <vector>

namespace async_file {
namespace uring {

// Opcodes newer than the linux-libc-dev headers of this distribution (6.1): the values are ABI and never change.
constexpr uint8_t kOpFtruncate = 55;  // IORING_OP_FTRUNCATE, Linux 6.9

constexpr uint64_t kCancelTag = 1ULL << 63;  // user_data of our ASYNC_CANCEL requests: their results are ignored
constexpr uint64_t kLinkedTag = 1ULL << 62;  // with kCancelTag: the linked cancel of a close, result kept (gen | slot)
// user_data of a request: step << 60 | gen << 32 | slot (step: 0, 1, 2 in a linked new-file chain, else 0). gen wraps
// within 28 bits, so it never reaches the step and tag bits above.
constexpr uint32_t kGenMask = (1u << 28) - 1;
constexpr int kStepShift = 60;
constexpr uint32_t kMaxSlots = 1u << 20;

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
  bool in_dispatch = false, closing = false, destroyed = false, hooks_started = false;
  uint64_t batches = 0, enters = 0, completions_total = 0;
};

// The ring's libuv handles. They outlive the Ring until libuv has closed them (uv_close is asynchronous), and hold
// the environment's async cleanup hook until then: a worker's environment waits for it before it unloads the addon,
// whose CloseHandle libuv would otherwise call from unmapped code (terminate() of a worker with a ring open).
struct Handles {
  uv_poll_t poll;
  uv_prepare_t prepare;
  uv_check_t check;
  Ring* ring;
  int open = 0;
  napi_async_cleanup_hook_handle cleanup_hook = nullptr;
};

// Whether `n` more SQEs fit in the submission ring.
inline bool RingHasRoom(Ring* r, unsigned n = 1) {
  return r->sq_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE) + n <= r->sq_entries;
}

// The SQEs a request takes when it enters the ring: a linked close two, a linked new file three (skipped: one NOP).
inline unsigned SqesOf(const Request* q) {
  if (q->skip) return 1;
  return q->direct >= 0 ? 3 : q->linked ? 2 : 1;
}

// The CQ entries a request may produce, in pairs (request_limit counts pairs): a request and its possible cancel is
// one; a linked close (cancel + close) one; a linked new file (three + a possible cancel) two.
inline unsigned WeightOf(const Request* q) { return q->direct >= 0 ? 2 : 1; }

// Writes one SQE into the ring (the caller checked there is room).
inline void PutSqe(Ring* r, const io_uring_sqe& sqe, uint32_t* index_out) {
  unsigned index = r->sq_tail & r->sq_mask;
  r->sqes[index] = sqe;
  r->sq_tail++;
  r->inflight++;
  if (index_out != nullptr) *index_out = index;
}

// Takes a free request slot (a new one if none), reset, with a fresh generation in its user_data.
uint32_t AllocSlot(Ring* r);

// Starts a prepared request: into the ring, or the backlog if the ring is full.
void Start(Ring* r, uint32_t slot);

// Asks to cancel the request in `slot`: 0 nothing done (completed, or already asked), 1 skipped before submission,
// 2 IORING_OP_ASYNC_CANCEL prepared.
int32_t Cancel(Ring* r, uint32_t slot);

// No new requests; cancels what is pending; tears the ring down once nothing is (now if nothing is).
void Shutdown(Ring* r);

// Sets up the ring; returns an empty string or why io_uring cannot be used.
std::string SetupRing(Ring* r, unsigned entries, unsigned direct_slots);

// Tears the ring down: its handles, descriptors, mappings, requests and JS references (idempotent).
void Destroy(Ring* r);

// Node's loop: the eventfd is readable (completions arrived).
void OnPoll(uv_poll_t* handle, int status, int events);

// The environment's async cleanup hook (its data: the Handles): tears the ring down, and finishes once libuv closed
// the handles. And the Ring object's finalizer.
void EnvCleanup(napi_async_cleanup_hook_handle hook, void* data);
void Finalize(napi_env env, void* data, void* hint);

}  // namespace uring
}  // namespace async_file

#endif  // ASYNC_FILE_URING_RING_H_
