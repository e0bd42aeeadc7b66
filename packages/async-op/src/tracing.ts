import type { AsyncOpState } from './async-op-options.js';
import type { CancelKind } from './canceled-error.js';

/**
 * The names of the `node:diagnostics_channel` channels on which every AsyncOp publishes its lifecycle, in the order
 * an op goes through them. Subscribe with `diagnostics_channel.subscribe(name, handler)`; each message is an
 * {@link AsyncOpEvent}.
 *
 * @remarks
 * - `create`: published by AsyncOp.create(), after the op's parent, label and deadline are set.
 * - `cancelRequested`: a cancel() won (or a deadline or parent canceled the op), before the cancel implementation
 *   runs; `reason` and `cancelKind` are set.
 * - `canceled`: complete() won on an op whose cancel had won: the work ended, canceled.
 * - `completed`: complete() won on an op that was not canceled.
 * - `released`: the last reference was released and dispose ran (also when dispose threw).
 *
 * An op publishes its events only if, when it was created, someone was subscribed to one of these channels (or the
 * leak tracker was on): subscribe before the operations you want to see are created. Messages are published
 * synchronously, inside the call that caused them: a subscriber must not throw (Node reports
 * a subscriber's error as an uncaught exception on the next tick) and must not release or cancel the op. With no
 * subscriber (and the leak tracker off), create() pays one branch and the later points nothing more.
 */
export const AsyncOpChannels = {
  create: 'async-op:op:create',
  cancelRequested: 'async-op:op:cancel-requested',
  canceled: 'async-op:op:canceled',
  completed: 'async-op:op:completed',
  released: 'async-op:op:released',
} as const;

/** One message on an {@link AsyncOpChannels} channel: a snapshot of the op when the event happened. */
export interface AsyncOpEvent {
  /** The op's id, the same on every event of the op and in the diagnostics tree; given on first need. */
  readonly id: number;
  readonly label: string | undefined;
  /** The id of the op this one follows (or was shielded from), if any. */
  readonly parentId: number | undefined;
  readonly state: AsyncOpState;
  readonly isCanceled: boolean;
  /** The cancel reason once canceled, else undefined. */
  readonly reason: unknown;
  /** How the op was canceled ({@link cancelKindOf} of the reason), else undefined. */
  readonly cancelKind: CancelKind | undefined;
  /** The op's own deadline (absolute, on its clock), if it has one. */
  readonly deadline: number | undefined;
}
