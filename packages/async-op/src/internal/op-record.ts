import { CanceledError } from '../canceled-error.js';
import { CancelCallbackError } from '../cancel-callback-error.js';
import type { CancelRegistration } from '../cancel-registration.js';

/** A cancel or dispose hook; its context type is erased here and restored by AsyncOp<C>. */
export type Hook = ((context: never) => void) | undefined;

/** Something an op follows (an external AbortSignal, a parent op); detached when the op no longer needs it. */
export interface Upstream {
  detach(): void;
}

/** @internal A node of the circular registration list; the record itself is the list's sentinel. */
export interface ListNode {
  prev: ListNode | null;
  next: ListNode | null;
}

// `bits` packs the state, two flags and the reference count into one small integer (one field, not four).
export const RUNNING = 0;
export const CANCELING = 1;
export const COMPLETED = 2;
const STATE_MASK = 3;
/** Set once cancel won; stays set after completion. */
const CANCELED = 4;
/** Set when the first reference (the record itself) was released. */
export const FIRST_RELEASED = 8;
const ONE_REFERENCE = 16;

/** What only some ops need (a cancel reason, a signal, a followed source): allocated on first need. */
export class Extras {
  /** The reason given to the cancel() that won; undefined for none (a CanceledError is created when read). */
  reason: unknown = undefined;
  controller: AbortController | null = null;
  upstream: Upstream | null = null;
}

/**
 * The shared record of one operation: state, reference count, hooks and registrations.
 *
 * @remarks
 * Memory is the design constraint (Node 20 here stores every field in 8 bytes): the record is also the first
 * holder's reference (AsyncOp's first-reference class implements this interface), keeps rare data in `extras`, and is
 * the sentinel of its own circular registration list, so a registration needs no pointer to its owner. The functions
 * below are the record's behaviour; they are plain functions so that this module depends on no class.
 *
 * Once cancel starts, no registration is ever added to the list (late ones run at once), and the list is only emptied
 * by the firing loop, one node at a time: a callback that completes, releases or unregisters cannot make the loop skip
 * or repeat a registration.
 */
export interface OpRecord extends ListNode {
  bits: number;
  extras: Extras | null;
  readonly ctx: unknown;
  readonly cancelImpl: Hook;
  readonly disposeImpl: Hook;
}

/** The initial `bits` of a record: one reference, running. */
export const INITIAL_BITS = ONE_REFERENCE;

export function stateOf(record: OpRecord): number {
  return record.bits & STATE_MASK;
}

export function isCanceled(record: OpRecord): boolean {
  return (record.bits & CANCELED) !== 0;
}

export function upstreamOf(record: OpRecord): Upstream | null {
  return record.extras === null ? null : record.extras.upstream;
}

function extrasOf(record: OpRecord): Extras {
  return (record.extras ??= new Extras());
}

export function reasonOf(record: OpRecord): unknown {
  const extras = extrasOf(record);
  if (extras.reason === undefined) extras.reason = new CanceledError();
  return extras.reason;
}

export function addReference(record: OpRecord): void {
  record.bits += ONE_REFERENCE;
}

export function cancelOp(record: OpRecord, reason: unknown): boolean {
  const bits = record.bits;
  if ((bits & STATE_MASK) !== RUNNING) return false;
  // 1. switch state first: every re-entrant cancel() from here on is a no-op, every onCancel() runs at once.
  record.bits = (bits & ~STATE_MASK) | CANCELING | CANCELED;
  if (reason !== undefined) extrasOf(record).reason = reason;
  const extras = record.extras;
  if (extras !== null) detachUpstream(extras);
  let errors: unknown[] | null = null;
  // 2. the implementation, with nothing held: it may complete, release, or cancel anything, this op included.
  if (record.cancelImpl !== undefined) {
    try {
      (record.cancelImpl as (context: unknown) => void)(record.ctx);
    } catch (error) {
      errors = [error];
    }
  }
  // 3. the signal handed out by `signal` (its listeners' errors are reported by the platform, not thrown here).
  if (extras !== null && extras.controller !== null) extras.controller.abort(reasonOf(record));
  // 4. the registrations, in the order they were made, each unlinked before it runs.
  let node: ListNode | null;
  while ((node = record.next) !== record && node !== null) {
    const registration = node as CancelRegistration;
    registration.unlink();
    try {
      registration.fire(reasonOf(record));
    } catch (error) {
      (errors ??= []).push(error);
    }
  }
  if (errors !== null) throw errors.length === 1 ? errors[0] : new CancelCallbackError(errors);
  return true;
}

export function completeOp(record: OpRecord): boolean {
  const bits = record.bits;
  const state = bits & STATE_MASK;
  if (state === COMPLETED) return false;
  record.bits = (bits & ~STATE_MASK) | COMPLETED;
  // while canceling, the firing loop owns the list (and the upstream is already detached)
  if (state === RUNNING) dropFollowers(record);
  return true;
}

/** Drops one reference; the last one drops registrations and the upstream, then runs dispose. */
export function dropReference(record: OpRecord): void {
  const bits = (record.bits -= ONE_REFERENCE);
  if (bits >= ONE_REFERENCE) return;
  if ((bits & STATE_MASK) === RUNNING) dropFollowers(record);
  if (record.disposeImpl !== undefined) (record.disposeImpl as (context: unknown) => void)(record.ctx);
}

export function register(record: OpRecord, registration: CancelRegistration): void {
  const tail = record.prev as ListNode;
  registration.prev = tail;
  registration.next = record;
  tail.next = registration;
  record.prev = registration;
}

export function signalOf(record: OpRecord): AbortSignal {
  const extras = extrasOf(record);
  let controller = extras.controller;
  if (controller === null) {
    controller = extras.controller = new AbortController();
    if (isCanceled(record)) controller.abort(reasonOf(record));
  }
  return controller.signal;
}

export function follow(record: OpRecord, upstream: Upstream): void {
  extrasOf(record).upstream = upstream;
}

function detachUpstream(extras: Extras): void {
  const upstream = extras.upstream;
  if (upstream !== null) {
    extras.upstream = null;
    upstream.detach();
  }
}

/** Forgets every registration unrun and stops following: nothing outside keeps a path to this op. */
function dropFollowers(record: OpRecord): void {
  let node = record.next;
  record.next = record.prev = record;
  while (node !== record && node !== null) {
    const next: ListNode | null = node.next;
    node.prev = node.next = null;
    node = next;
  }
  if (record.extras !== null) detachUpstream(record.extras);
}
