import type { FileCallback, EngineRequest } from '../../file-engine.js';
import { expectFunction, expectInteger } from '../../internal/validate.js';
import type { OpenFile } from './memory-file-system.js';
import { requestCancel, ScriptedCall, type ScriptedCallHost, type ScriptedCallKind } from './scripted-call.js';
import type { ResolvedScriptedEngineOptions } from './scripted-engine-options.js';

/** What one engine method says about its call. */
export interface CallSpec {
  readonly kind: ScriptedCallKind;
  readonly syscall: string;
  /** The arguments as the label shows them: `fd 4, 4096 B @ 0`. */
  readonly args: string;
  readonly fd?: number;
  readonly path?: string;
  readonly dest?: string;
}

/**
 * The engine's calls: records each one, hands it to the completion policy, and checks the descriptor it takes, at
 * issue and at completion.
 *
 * @remarks
 * Violations it records: a call issued on a descriptor that is not open; a call that reaches (completes or fails on)
 * a descriptor number that means another open file, or none, than when the call was issued, which is what a use after
 * close looks like once the number was reused; a second callback (impossible by construction, checked anyway).
 */
export class CallRegistry {
  /** Calls not ended yet, in issue order. */
  readonly pending: ScriptedCall[] = [];
  /** The most recent calls, in issue order: at least the last `callHistory` (see rememberRecent). */
  readonly all: ScriptedCall[] = [];
  readonly violations: string[] = [];
  /** Every call issued so far, counted. */
  count = 0;
  readonly #options: ResolvedScriptedEngineOptions;
  readonly #openFile: (fd: number) => OpenFile | undefined;
  readonly #host: ScriptedCallHost;
  #nextId = 1;

  /**
   * @param options - the engine's resolved options.
   * @param openFile - what a descriptor number means now, in the engine's file system.
   */
  constructor(options: ResolvedScriptedEngineOptions, openFile: (fd: number) => OpenFile | undefined) {
    this.#options = options;
    this.#openFile = openFile;
    const { inject, cancelDelivery } = options;
    this.#host = {
      cancelDelivery,
      inject: (call) => inject?.(call),
      settled: (call) => {
        const index = this.pending.indexOf(call);
        if (index !== -1) this.pending.splice(index, 1);
      },
      violation: (text) => {
        this.violations.push(text);
      },
    };
  }

  /**
   * Records a new call and starts its completion policy.
   *
   * @param spec - what the call is.
   * @param callback - the engine callback, called exactly once.
   * @param execute - applies the effect when the call completes: returns the result or throws an errno error.
   * @returns an EngineRequest, or undefined when the engine is not cancelable.
   * @remarks With the `sync` policy the callback runs before issue() returns.
   * @throws TypeError if `callback` is not a function (then nothing is recorded).
   */
  issue<T>(spec: CallSpec, callback: FileCallback<T>, execute: () => T): EngineRequest | undefined {
    expectFunction('callback', callback);
    const { kind, syscall, fd, path, dest } = spec;
    const id = this.#nextId++;
    const label = `#${id} ${kind}(${spec.args})`;
    // 1. remember which open file the number means NOW: the completion compares against it
    const issuedOn = fd === undefined ? undefined : this.#openFile(fd);
    if (fd !== undefined && issuedOn === undefined) {
      this.violations.push(`${label} was issued on descriptor ${fd}, which was not open`);
    }
    const call = new ScriptedCall({
      id,
      kind,
      label,
      syscall,
      fd,
      path,
      dest,
      host: this.#host,
      execute,
      touch: () => {
        if (fd !== undefined) this.#checkDescriptor(label, fd, issuedOn);
      },
      // on error the result is undefined, as in Node's fs callbacks
      deliver: (error, result) => callback(error, result as T),
    });
    // 2. record it BEFORE the policy runs: a `sync` completion calls back, and may issue more calls, right here
    rememberRecent(this.all, call, this.#options.callHistory);
    this.count++;
    this.pending.push(call);
    const request = this.#options.cancelable ? { cancel: () => requestCancel(call) } : undefined;
    // 3. only now let it complete
    this.#schedule(call);
    return request;
  }

  /** Completes the oldest pending call that is not hung. @returns it, or undefined if there is none. */
  completeNext(): ScriptedCall | undefined {
    const call = this.pending.find((pending) => !pending.isHung);
    call?.complete();
    return call;
  }

  /**
   * Completes calls until only hung ones are pending, including calls the callbacks issue meanwhile.
   *
   * @returns how many it completed.
   * @throws Error after `limit` completions with more pending; RangeError for a bad `limit`.
   */
  completeAll(limit: number): number {
    expectInteger('limit', limit, 1);
    let count = 0;
    while (this.pending.some((call) => !call.isHung)) {
      if (count === limit) {
        throw new Error(
          `completeAll() completed ${limit} calls and more are pending: do callbacks issue calls forever?`,
        );
      }
      this.completeNext();
      count += 1;
    }
    return count;
  }

  #schedule(call: ScriptedCall): void {
    const { completion } = this.#options;
    if (completion === 'sync') call.complete();
    else if (completion === 'async') {
      // one macrotask per call: setImmediate runs them in issue order
      setImmediate(() => {
        if (call.state === 'pending' && !call.isHung) call.complete();
      });
    } else if (completion !== 'manual') completion(call);
  }

  /** The number now means another open file (or none) than when the call was issued: a use after close. */
  #checkDescriptor(label: string, fd: number, issuedOn: OpenFile | undefined): void {
    const now = this.#openFile(fd);
    if (now === issuedOn) return;
    const describe = (file: OpenFile): string => `open file #${file.serial} (ino ${file.inode.ino})`;
    const completedOn = now === undefined ? 'nothing is open at that number' : `it belongs to ${describe(now)}`;
    this.violations.push(
      issuedOn === undefined
        ? `${label} touched descriptor ${fd}, which was not open when the call was issued: ${completedOn}`
        : `${label} touched descriptor ${fd} after it was closed: issued for ${describe(issuedOn)}, now ${completedOn}`,
    );
  }
}

/**
 * Appends `item` to `list`, which keeps at least the last `history` items: once it holds twice as many (and a few), the
 * oldest are dropped in one splice, so each append costs O(1) amortized (no shift per call) and memory stays bounded.
 */
export function rememberRecent<T>(list: T[], item: T, history: number): void {
  list.push(item);
  if (list.length >= 2 * history + 64) list.splice(0, list.length - history);
}
