import { CancelCallbackError } from '../cancel-callback-error.js';
import type { Clock } from '../clock.js';
import { isTraced, traceCancelRequested, traceCompleted, traceReleased } from './channels.js';
import { explicitReason, parentReason } from './reasons.js';

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

/** A node of a record's list that is an onCancel() registration (CancelRegistration implements it). */
export interface RegistrationNode extends ListNode {
  /** Takes the node out of its list. */
  unlink(): void;
  /** Runs the registration for `firing`, the record being canceled. */
  fire(firing: OpRecord): void;
}

// `bits` packs the state, four flags and the reference count into one small integer (one field, not six). It stays a
// small integer (below 2^30) so V8 never changes the field's representation.
export const RUNNING = 0;
export const CANCELING = 1;
export const COMPLETED = 2;
const STATE_MASK = 3;
/** Set once cancel won; stays set after completion. */
const CANCELED = 4;
/** Set when the first reference (the record itself) was released. */
export const FIRST_RELEASED = 8;
/** Set while the cancel() that won runs its functions: a last release meanwhile leaves the end of the op to it. */
const FIRING = 16;
/**
 * Set at create() while a tracer or the leak tracker was on: only such an op publishes its lifecycle events and
 * reports its release. Such an op also gets its extras at once, so the lifecycle points find it on the paths they
 * already take for ops with extras, and every other op pays nothing more (release() tests this flag together with
 * FIRST_RELEASED).
 */
export const OBSERVED = 32;
/** `extras.reason` holds the parent record whose cancel reached this op; the reason is derived from it when read. */
const DERIVED_REASON = 64;
export const ONE_REFERENCE = 128;
/** The most live references one op can have: 2^23 - 1, so `bits` stays below 2^30. */
export const MAX_REFERENCES = 2 ** 23 - 1;
const REFERENCE_LIMIT = MAX_REFERENCES * ONE_REFERENCE;

/** What only some ops need (a cancel reason, a signal, a followed source): allocated on first need. */
export class Extras {
  /** The reason given to the cancel() that won; undefined for none (created when read); see DERIVED_REASON. */
  reason: unknown = undefined;
  controller: AbortController | null = null;
  upstream: Upstream | null = null;
  more: More | null = null;
}

/** The promise whenReleased() hands out, and how to resolve it. */
export interface Released {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

/** Creates the promise of whenReleased() (Promise.withResolvers() is not in Node 20). */
export function createReleased(): Released {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** What fewer ops still need (a label, a deadline, an awaited release, a shielded parent, a trace id). */
export class More {
  label: string | undefined = undefined;
  /** 0 until diagnostics or tracing need an id. */
  id = 0;
  clock: Clock | null = null;
  /** Absolute, on `clock`; Infinity for none. */
  deadline = Infinity;
  timer: unknown = undefined;
  released: Released | null = null;
  /** A shielded op's follow() only records its parent (here), for diagnostics and tracing. */
  isShielded = false;
  shieldedParent: OpRecord | null = null;
}

/**
 * The shared record of one operation: state, reference count, hooks and registrations.
 *
 * @remarks
 * Memory is the design constraint (Node stores every field in 8 bytes here): the record is also the first holder's
 * reference (AsyncOp's first-reference class implements this interface), keeps rare data in `extras` (and rarer data in
 * `extras.more`), and is the sentinel of its own circular registration list, so a registration needs no pointer to its
 * owner. The functions below are the record's behaviour; they are plain functions so that this module depends on no
 * class.
 *
 * Once cancel starts, no registration is ever added to the list (late ones run at once), and the list is only emptied
 * by the firing loop, one node at a time: a callback that completes, releases or unregisters cannot make the loop skip
 * or repeat a registration. A last release during that loop leaves dispose to the end of the loop.
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

/** The number of live references. */
export function referenceCount(record: OpRecord): number {
  return Math.floor(record.bits / ONE_REFERENCE);
}

export function upstreamOf(record: OpRecord): Upstream | null {
  return record.extras === null ? null : record.extras.upstream;
}

export function extrasOf(record: OpRecord): Extras {
  return (record.extras ??= new Extras());
}

export function moreOf(record: OpRecord): More {
  return (extrasOf(record).more ??= new More());
}

export function labelOf(record: OpRecord): string | undefined {
  const extras = record.extras;
  return extras === null || extras.more === null ? undefined : extras.more.label;
}

export function reasonOf(record: OpRecord): unknown {
  const extras = extrasOf(record);
  let reason = extras.reason;
  if ((record.bits & DERIVED_REASON) !== 0) {
    const parent = reason as OpRecord;
    record.bits &= ~DERIVED_REASON;
    reason = extras.reason = parentReason(labelOf(record), reasonOf(parent), labelOf(parent));
  } else if (reason === undefined) {
    reason = extras.reason = explicitReason(labelOf(record));
  }
  return reason;
}

/** @throws RangeError when the op already has MAX_REFERENCES live references. */
export function addReference(record: OpRecord): void {
  if (record.bits >= REFERENCE_LIMIT) {
    throw new RangeError(`Cannot take another reference: this AsyncOp already has ${MAX_REFERENCES} live references`);
  }
  record.bits += ONE_REFERENCE;
}

export function cancelOp(record: OpRecord, reason: unknown): boolean {
  const bits = record.bits;
  if ((bits & STATE_MASK) !== RUNNING) return false;
  // 1. switch state first: every re-entrant cancel() from here on is a no-op, every onCancel() runs at once.
  record.bits = (bits & ~STATE_MASK) | CANCELING | CANCELED | FIRING;
  if (reason !== undefined) extrasOf(record).reason = reason;
  fire(record);
  return true;
}

/** Cancels `child` because `parent`, which it follows, was canceled; its reason is derived when first read. */
export function cancelFromParent(child: OpRecord, parent: OpRecord): void {
  const bits = child.bits;
  if ((bits & STATE_MASK) !== RUNNING) return;
  child.bits = (bits & ~STATE_MASK) | CANCELING | CANCELED | FIRING | DERIVED_REASON;
  extrasOf(child).reason = parent;
  fire(child);
}

/**
 * Runs what a winning cancel runs, in order, then ends the op if its last reference went meanwhile. Kept small, with
 * the rare parts out of line: V8 inlines it into cancel() only while it is.
 */
function fire(record: OpRecord): void {
  const extras = record.extras;
  // 1b. (one branch for the common op, which has neither) stop following, clear the deadline, tell a tracer
  if (extras !== null) beginFiring(record, extras);
  // 2. the implementation, with nothing held: it may complete, release, or cancel anything, this op included.
  let errors = record.cancelImpl === undefined ? null : runCancelImpl(record);
  // 3. the signal handed out by `signal` (its listeners' errors are reported by the platform, not thrown here).
  if (extras !== null && extras.controller !== null) extras.controller.abort(reasonOf(record));
  // 4. the registrations, in the order they were made, each unlinked before it runs.
  if (record.next !== record) errors = fireRegistrations(record, errors);
  // 5. a release during 2-4 that was the last one left the end of the op (dispose) to here.
  record.bits &= ~FIRING;
  if (record.bits < ONE_REFERENCE) errors = endAfterFiring(record, errors);
  if (errors !== null) throw errors.length === 1 ? errors[0] : new CancelCallbackError(errors);
}

function beginFiring(record: OpRecord, extras: Extras): void {
  detachAll(extras);
  if ((record.bits & OBSERVED) !== 0 && isTraced) traceCancelRequested(record);
}

function runCancelImpl(record: OpRecord): unknown[] | null {
  try {
    (record.cancelImpl as (context: unknown) => void)(record.ctx);
    return null;
  } catch (error) {
    return [error];
  }
}

function fireRegistrations(record: OpRecord, errors: unknown[] | null): unknown[] | null {
  let node: ListNode | null;
  while ((node = record.next) !== record && node !== null) {
    const registration = node as RegistrationNode;
    registration.unlink();
    try {
      registration.fire(record);
    } catch (error) {
      (errors ??= []).push(error);
    }
  }
  return errors;
}

function endAfterFiring(record: OpRecord, errors: unknown[] | null): unknown[] | null {
  try {
    endOp(record);
  } catch (error) {
    (errors ??= []).push(error);
  }
  return errors;
}

export function completeOp(record: OpRecord): boolean {
  const bits = record.bits;
  const state = bits & STATE_MASK;
  if (state === COMPLETED) return false;
  record.bits = (bits & ~STATE_MASK) | COMPLETED;
  // while canceling, the firing loop owns the list (and the upstream and deadline are already detached)
  if (state === RUNNING && record.next !== record) dropRegistrations(record);
  if (record.extras !== null) completeWithExtras(record, state);
  return true;
}

/** completeOp() for an op with extras: stop following, clear the deadline, tell a tracer. */
function completeWithExtras(record: OpRecord, state: number): void {
  if (state === RUNNING) detachAll(record.extras as Extras);
  if ((record.bits & OBSERVED) !== 0 && isTraced) traceCompleted(record);
}

/** Drops one reference; the last one (outside a firing cancel) ends the op. */
export function dropReference(record: OpRecord): void {
  const bits = (record.bits -= ONE_REFERENCE);
  if (bits < ONE_REFERENCE && (bits & FIRING) === 0) endOp(record);
}

/** The end of an op: drops registrations, the upstream and the deadline, runs dispose, then tells who waits. */
function endOp(record: OpRecord): void {
  if ((record.bits & STATE_MASK) === RUNNING) dropFollowers(record);
  // kept small: this runs on every op's last release, and V8 inlines it only while it is small
  if (record.extras !== null) endObservedOp(record);
  else if (record.disposeImpl !== undefined) (record.disposeImpl as (context: unknown) => void)(record.ctx);
}

/** endOp() for an op someone may be watching: a released event, a whenReleased() promise. */
function endObservedOp(record: OpRecord): void {
  try {
    if (record.disposeImpl !== undefined) (record.disposeImpl as (context: unknown) => void)(record.ctx);
  } finally {
    if ((record.bits & OBSERVED) !== 0 && isTraced) traceReleased(record);
    const more = record.extras?.more;
    if (more?.released != null) more.released.resolve();
  }
}

export function register(record: OpRecord, registration: RegistrationNode): void {
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

/** Stops following and clears the deadline's timer: nothing outside keeps a path to this op any more. */
function detachAll(extras: Extras): void {
  const upstream = extras.upstream;
  if (upstream !== null) {
    // a parent link stays, detached, so diagnostics and tracing still name the parent of a finished child
    if ((upstream as { readonly parent?: OpRecord }).parent === undefined) extras.upstream = null;
    upstream.detach();
  }
  const more = extras.more;
  if (more !== null && more.timer !== undefined) clearDeadlineTimer(more);
}

/** @internal Clears a pending deadline timer (the deadline itself stays, for inspection). */
export function clearDeadlineTimer(more: More): void {
  const timer = more.timer;
  more.timer = undefined;
  (more.clock as Clock).clearTimer(timer);
}

/** Forgets every registration unrun, stops following and clears the deadline. */
function dropFollowers(record: OpRecord): void {
  if (record.next !== record) dropRegistrations(record);
  if (record.extras !== null) detachAll(record.extras);
}

function dropRegistrations(record: OpRecord): void {
  let node = record.next;
  record.next = record.prev = record;
  while (node !== record && node !== null) {
    const next: ListNode | null = node.next;
    node.prev = node.next = null;
    node = next;
  }
}

/** The op `record` follows (or followed), or the parent it was shielded from; null for none. */
export function parentOf(record: OpRecord): OpRecord | null {
  const extras = record.extras;
  if (extras === null) return null;
  // only a child link (internal/child-link.ts) has a `parent`; a signal follower has none
  const parent = (extras.upstream as { readonly parent?: OpRecord } | null)?.parent;
  if (parent !== undefined) return parent;
  return extras.more === null ? null : extras.more.shieldedParent;
}
