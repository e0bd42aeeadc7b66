// async-file's io_uring ring: setup, submission, completion and teardown (see uring_ring.h for the design; the
// JavaScript methods of a Ring are in uring_bindings.cc).
#include "uring_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace async_file {
namespace uring {

namespace {

int SysSetup(unsigned entries, io_uring_params* p) { return (int)syscall(__NR_io_uring_setup, entries, p); }
int SysEnter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
  return (int)syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, nullptr, 0);
}
int SysRegister(int fd, unsigned opcode, const void* arg, unsigned nr) {
  return (int)syscall(__NR_io_uring_register, fd, opcode, arg, nr);
}

}  // namespace

void Flush(Ring* r);

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
  if (--handles->open > 0) return;
  // the last handle is closed: nothing of the addon runs for this ring any more, the environment may go (removing a
  // hook that is running is how it reports that it finished)
  if (handles->cleanup_hook != nullptr) napi_remove_async_cleanup_hook(handles->cleanup_hook);
  delete handles;
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

void EnvCleanup(napi_async_cleanup_hook_handle /*hook*/, void* data) {
  Handles* h = static_cast<Handles*>(data);
  // a ring still up is torn down now, which closes its handles; one destroyed before (closed, or collected) has
  // closed them already. Either way CloseHandle finishes this hook once libuv has closed the last one
  if (h->ring != nullptr) Destroy(h->ring);
}

void Finalize(napi_env /*env*/, void* data, void* /*hint*/) {
  Ring* r = static_cast<Ring*>(data);
  Destroy(r);
  delete r;
}

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

int32_t Cancel(Ring* r, uint32_t slot) {
  if (r->destroyed || slot >= r->slots.size()) return 0;
  Request* q = r->slots[slot];
  if (q->state == kBacklog && !q->skip) {
    q->skip = true;
    return 1;
  }
  if (q->state == kQueued && !q->skip) {
    // still in the unsubmitted part of the ring: the kernel has not seen it, turn it into a NOP
    SkipQueued(r, q);
    return 1;
  }
  if (q->state == kSubmitted && !q->cancel_sent && !q->linked) {
    // (a submitted linked close is not canceled: a close cannot be stopped, and its cancel already has a CQE)
    q->cancel_sent = true;
    if (PutCancel(r, q->sqe.user_data, 0, slot)) {
      if (r->immediate) Submit(r);
      else if (!r->in_dispatch) StartHooks(r);
      return 2;
    }
  }
  return 0;
}

void Shutdown(Ring* r) {
  if (r->destroyed || r->closing) return;
  r->closing = true;
  if (r->live == 0 && !r->in_dispatch) {
    Destroy(r);
    return;
  }
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

}  // namespace uring
}  // namespace async_file
