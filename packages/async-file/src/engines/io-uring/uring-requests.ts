import type { EngineError, FileCallback } from '../../file-engine.js';
import { systemError } from '../../internal/errno-error.js';
import type { NativeRing } from './native-ring.js';
import { LINKED_CLOSE, NEW_FILE_CHAIN, NUMBER, VOID, type UringCall } from './uring-call.js';
import { STAT_FIELDS, UringStats } from './uring-stats.js';

/** How a linked new-file chain reports: the open's error, or the write's outcome and the close's. */
export type NewFileOutcome = (
  openError: EngineError | null,
  writeError: EngineError | null,
  written: number,
  closeError: EngineError | null,
) => void;

/**
 * The io_uring engine's requests in flight, by slot, and the delivery of their completions: the addon calls
 * {@link UringRequests.dispatch} once per batch with `count` (slot, result) pairs in `completions`.
 *
 * @remarks
 * A request stays in the table until its completion is dispatched: that is what keeps a read's or write's buffer alive
 * while the kernel may use it. The native ring keeps this table alive while any request is live: it holds `dispatch`
 * (which closes over the table) strongly from the first request started to the last completion.
 */
export class UringRequests {
  private readonly calls: (UringCall | undefined)[] = [];
  private readonly statFields = new Float64Array(STAT_FIELDS);
  /** Set once, right after the ring was created with {@link dispatch}. */
  private ring: NativeRing | undefined;

  /** @param completions - the array shared with the ring: room for a (slot, result) pair per CQ entry. */
  constructor(readonly completions: Int32Array) {}

  /** The ring whose completions arrive here (it is created with {@link dispatch}, so it comes second). */
  attach(ring: NativeRing): void {
    this.ring = ring;
  }

  /** Records `call` under the slot the ring gave it; returns it (the EngineRequest handed out). */
  start(call: UringCall, slot: number): UringCall {
    call.slot = slot;
    this.calls[slot] = call;
    return call;
  }

  /** Called by the addon once per batch of completions: `count` (slot, result) pairs in `completions`. */
  readonly dispatch = (count: number): void => {
    const completions = this.completions;
    const calls = this.calls;
    let failed = false;
    let firstError: unknown;
    for (let i = 0; i < count; i++) {
      const slot = completions[2 * i] as number;
      const result = completions[2 * i + 1] as number;
      const call = calls[slot];
      calls[slot] = undefined;
      if (call === undefined) continue;
      call.done = true;
      try {
        this.deliver(call, slot, result);
      } catch (error) {
        // every completion of the batch is still delivered; the first throw surfaces as an uncaught exception
        if (!failed) {
          failed = true;
          firstError = error;
        } else {
          process.nextTick(() => {
            throw error;
          });
        }
      }
    }
    if (failed) throw firstError;
  };

  private deliver(call: UringCall, slot: number, result: number): void {
    const ring = this.ring as NativeRing;
    const callback = call.callback as FileCallback<unknown>;
    if (call.kind === NEW_FILE_CHAIN) {
      // result: the open's; the write's and the close's are kept beside it. The callback is writeNewFile's outcome
      // (which removes a file whose write or close failed).
      const report = call.callback as unknown as NewFileOutcome;
      if (result < 0) return report(systemError(result, 'open', call.path), null, 0, null);
      const written = ring.chainResult(slot, 1);
      const closed = ring.chainResult(slot, 2);
      report(
        null,
        written < 0 ? systemError(written, 'write', call.path) : null,
        Math.max(written, 0),
        closed < 0 ? systemError(closed, 'close', call.path) : null,
      );
    } else if (call.kind === LINKED_CLOSE) {
      const canceled = ring.linkedResult(slot);
      const error = result < 0 ? systemError(result, call.syscall) : null;
      callback(error, canceled === undefined || canceled < 0 ? -1 : canceled);
    } else if (result < 0) {
      const error: EngineError = systemError(result, call.syscall, call.path, call.dest);
      callback(error, call.kind === NUMBER ? -1 : undefined);
    } else if (call.kind === NUMBER) {
      callback(null, result);
    } else if (call.kind === VOID) {
      callback(null, undefined);
    } else {
      ring.readStat(slot, this.statFields);
      callback(null, new UringStats(this.statFields));
    }
  }
}
