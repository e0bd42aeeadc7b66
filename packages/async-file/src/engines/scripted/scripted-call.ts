import type { EngineError, EngineMethodName } from '../../file-engine.js';
import { describeValue } from 'async-op';
import { createErrnoError, isErrnoCode, isErrnoError } from './errno-error.js';

/**
 * When a canceled call reports ECANCELED: `sync` inside cancel(), before it returns; `deferred` at the call's next
 * completion (by the policy or the test), like a kernel that answers a cancel request with a completion.
 */
export type CancelDelivery = 'sync' | 'deferred';

/** Which engine method issued a call: `openExisting`, `write`, `rename`, ... */
export type ScriptedCallKind = EngineMethodName;

/**
 * Where a call stands: `pending` until it ends; then `completed` (complete() ran it: its outcome may still be an
 * error such as EBADF), `failed` (an injected error, no effect, except that a failed close still releases its
 * descriptor, as on Linux) or `canceled` (reported ECANCELED, no effect).
 */
export type ScriptedCallState = 'pending' | 'completed' | 'failed' | 'canceled';

/** What the engine shares with all its calls. */
export interface ScriptedCallHost {
  readonly cancelDelivery: CancelDelivery;
  /** The `inject` option: an errno name to fail the call with, or undefined. */
  inject(call: ScriptedCall): string | undefined;
  /** The call ended: take it out of the pending list (before its callback runs). */
  settled(call: ScriptedCall): void;
  /** Records a safety violation. */
  violation(text: string): void;
}

/** What the engine gives one call. */
export interface ScriptedCallInit {
  readonly id: number;
  readonly kind: ScriptedCallKind;
  readonly label: string;
  readonly syscall: string;
  readonly fd: number | undefined;
  readonly path: string | undefined;
  readonly dest: string | undefined;
  readonly host: ScriptedCallHost;
  /** Applies the effect to the file system: returns the result, or throws an errno error. */
  readonly execute: () => unknown;
  /** Runs when the call reaches the file system (complete or fail, not cancel): the descriptor check. */
  readonly touch: () => void;
  /** Calls the engine callback. */
  readonly deliver: (error: EngineError | null, result: unknown) => void;
}

let cancelCall: (call: ScriptedCall) => void = () => {};

/**
 * Asks a call to end with ECANCELED if it is still pending (what the engine's EngineRequest.cancel() does).
 *
 * @param call - the call to cancel.
 * @remarks
 * A no-op once the call ended. With cancel delivery `sync` the callback runs inside this function, once; with
 * `deferred` the call stays pending with `isCancelRequested` set, and its next completion reports ECANCELED.
 */
export function requestCancel(call: ScriptedCall): void {
  cancelCall(call);
}

/**
 * One engine call, as the test sees it: what was asked (`label`, `kind`, `fd`, `path`), where it stands, and the
 * controls that end it.
 *
 * @remarks
 * A call takes effect when it COMPLETES, not when it is issued: its callback runs exactly once, synchronously inside
 * whichever of complete(), fail() or the engine's cancel() ends it, after the call left `engine.pendingCalls`.
 * A callback that throws propagates out of that method. Created by ScriptedEngine only.
 */
export class ScriptedCall {
  static {
    cancelCall = (call) => call.#cancel();
  }

  /** Increases with every call of the engine, from 1. */
  readonly id: number;
  /** The engine method that issued the call. */
  readonly kind: ScriptedCallKind;
  /** A readable description for interleavings: `#7 write(fd 4, 4096 B @ 0)`. */
  readonly label: string;
  /** The system call it stands for, as errors name it: `open`, `write`, `ftruncate`, ... */
  readonly syscall: string;
  /** The descriptor the call takes, if it takes one. */
  readonly fd: number | undefined;
  /** The path the call takes (link: the new name; rename: the old name), if any. */
  readonly path: string | undefined;
  /** rename: the new name. */
  readonly dest: string | undefined;
  /** What the engine gave; null once the call ended (its closures hold buffers and callbacks: a long log would keep them). */
  #init: ScriptedCallInit | null;
  /** The engine's shared part: kept after the call ended, to report a violation. */
  readonly #host: ScriptedCallHost;
  #state: ScriptedCallState = 'pending';
  #isHung = false;
  #isCancelRequested = false;
  #hasDelivered = false;
  #error: EngineError | null | undefined = undefined;
  #result: unknown = undefined;

  /** @param init - what the engine gives the call. @internal */
  constructor(init: ScriptedCallInit) {
    this.#init = init;
    this.#host = init.host;
    this.id = init.id;
    this.kind = init.kind;
    this.label = init.label;
    this.syscall = init.syscall;
    this.fd = init.fd;
    this.path = init.path;
    this.dest = init.dest;
  }

  /** Where the call stands. */
  get state(): ScriptedCallState {
    return this.#state;
  }

  /** Whether hang() was called: policies, completeNext() and completeAll() leave the call alone. */
  get isHung(): boolean {
    return this.#isHung;
  }

  /** Whether a deferred cancel is waiting for the call's completion to report ECANCELED. */
  get isCancelRequested(): boolean {
    return this.#isCancelRequested;
  }

  /** The error the callback received: null on success, undefined while pending. */
  get error(): EngineError | null | undefined {
    return this.#error;
  }

  /** The result the callback received (undefined while pending or after an error). */
  get result(): unknown {
    return this.#result;
  }

  /**
   * Ends the call: applies its effect and reports the real outcome (which may be an error such as EBADF), or the
   * error the `inject` option names, or ECANCELED if a deferred cancel is waiting.
   *
   * @remarks
   * The callback runs synchronously, before complete() returns. A no-op if the call was canceled (so a scheduled
   * completion may race with cancel without failing the test).
   * @throws Error if the call already completed or failed: each call ends once. TypeError if `inject` returned a
   * value that is not an errno name.
   */
  complete(): void {
    if (!this.#isStillPending('complete')) return;
    if (this.#isCancelRequested) return this.#settle('canceled', this.#errorOf('ECANCELED'), undefined);
    const init = this.#init as ScriptedCallInit;
    const injected = init.host.inject(this);
    if (injected !== undefined) return this.#fail(injected, `the result of \`inject\` for ${this.label}`);
    init.touch();
    let error: EngineError | null = null;
    let result: unknown;
    try {
      result = init.execute();
    } catch (thrown) {
      if (!isErrnoError(thrown)) throw thrown;
      error = thrown;
    }
    this.#settle('completed', error, result);
  }

  /**
   * Ends the call with an injected error and no effect; a close still releases its descriptor (as on Linux).
   *
   * @param code - an errno name: `EIO`, `ENOSPC`, `EAGAIN`, ...
   * @remarks
   * The callback runs synchronously, before fail() returns. A no-op if the call was canceled.
   * @throws TypeError if `code` is not an errno name; Error if the call already completed or failed.
   */
  fail(code: string): void {
    if (!isErrnoCode(code)) throw this.#codeError(code, '`code`');
    if (!this.#isStillPending('fail')) return;
    this.#fail(code, '`code`');
  }

  /**
   * Leaves the call pending for good: it stays in `engine.pendingCalls`, and the `async` policy, completeNext() and
   * completeAll() skip it. Only an explicit complete() or fail(), or a cancel, ends it.
   *
   * @remarks A no-op if the call was canceled.
   * @throws Error if the call already completed or failed.
   */
  hang(): void {
    if (this.#isStillPending('hang')) this.#isHung = true;
  }

  /** @returns the label. */
  toString(): string {
    return this.label;
  }

  #cancel(): void {
    if (this.#state !== 'pending') return;
    if ((this.#init as ScriptedCallInit).host.cancelDelivery === 'deferred') {
      this.#isCancelRequested = true;
      return;
    }
    this.#settle('canceled', this.#errorOf('ECANCELED'), undefined);
  }

  #fail(code: unknown, subject: string): void {
    if (!isErrnoCode(code)) throw this.#codeError(code, subject);
    const init = this.#init as ScriptedCallInit;
    init.touch();
    // on Linux a close releases its descriptor whatever it reports (EINTR, EIO): a failed close frees it all the
    // same, or a test would see a descriptor held that a real engine had let go (its own EBADF changes nothing)
    if (this.kind === 'close') {
      try {
        init.execute();
      } catch (thrown) {
        if (!isErrnoError(thrown)) throw thrown;
      }
    }
    this.#settle('failed', this.#errorOf(code), undefined);
  }

  /** true while pending; false (do nothing) once canceled; throws once completed or failed. */
  #isStillPending(action: string): boolean {
    if (this.#state === 'pending') return true;
    if (this.#state === 'canceled') return false;
    throw new Error(`Cannot ${action} ${this.label}: it already ${this.#state} (each call ends once)`);
  }

  #settle(state: ScriptedCallState, error: EngineError | null, result: unknown): void {
    const init = this.#init;
    // the state checks make a second delivery impossible; this guard proves it in every property run
    if (init === null || this.#hasDelivered) {
      this.#host.violation(`${this.label}: its callback was invoked more than once`);
      return;
    }
    this.#state = state;
    this.#error = error;
    this.#result = result;
    this.#init = null;
    init.host.settled(this);
    this.#hasDelivered = true;
    init.deliver(error, result);
  }

  #errorOf(code: string): EngineError {
    return createErrnoError(code, this.syscall, this.path, this.dest);
  }

  #codeError(code: unknown, subject: string): TypeError {
    return new TypeError(`Expected ${subject} to be an errno name such as 'EIO', got ${describeValue(code)}`);
  }
}
