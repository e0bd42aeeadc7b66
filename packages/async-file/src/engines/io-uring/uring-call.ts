import type { FileCallback, EngineRequest } from '../../file-engine.js';
import type { NativeRing } from './native-ring.js';

/** How a completion's result becomes the callback's arguments. */
export const NUMBER = 0;
export const VOID = 1;
export const STAT = 2;
/** A close with a linked cancel: the result is the number of requests the cancel canceled. */
export const LINKED_CLOSE = 3;
/** A linked open -> write -> close: the result is the write's. */
export const NEW_FILE_CHAIN = 4;
export type ResultKind = typeof NUMBER | typeof VOID | typeof STAT | typeof LINKED_CLOSE | typeof NEW_FILE_CHAIN;

/**
 * One request in the ring: what its completion reports, to whom. It is also the EngineRequest handed out. The engine's
 * table of requests holds it until its completion is dispatched, and with it the memory the kernel reads or writes.
 */
export class UringCall implements EngineRequest {
  slot = -1;
  done = false;
  /** A read's or write's buffer: referenced here until the completion arrives, whatever happened to the callback. */
  buffer: Uint8Array | undefined = undefined;

  constructor(
    private readonly ring: NativeRing,
    readonly kind: ResultKind,
    readonly syscall: string,
    readonly callback: FileCallback<never>,
    readonly path?: string,
    readonly dest?: string,
  ) {}

  cancel(): void {
    if (!this.done) this.ring.cancel(this.slot);
  }
}

/**
 * @internal One UringCall alive for as long as this module, so that a full GC with no request in flight does not free
 * the class's hidden classes and the optimized code built on them (see HIDDEN_CLASS_KEEPER in internal/file-action).
 */
export const HIDDEN_CLASS_KEEPER: UringCall = new UringCall(
  null as unknown as NativeRing,
  NUMBER,
  'read',
  (() => undefined) as FileCallback<never>,
);

/** A call made of several requests (createAnonymous's fallback): cancel reaches the current one, and stops the rest. */
export class CompoundCall implements EngineRequest {
  current: EngineRequest | undefined;
  canceled = false;

  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    this.current?.cancel();
  }
}
