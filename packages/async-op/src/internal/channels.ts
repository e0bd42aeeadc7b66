import diagnosticsChannel from 'node:diagnostics_channel';
import { cancelKindOf } from '../canceled-error.js';
import type { AsyncOpEvent } from '../tracing.js';
import { noteTraced } from './observed.js';
import { isCanceled, labelOf, moreOf, parentOf, reasonOf, stateOf, type OpRecord } from './op-record.js';

// Created once, at module load, and held here: Node keeps a channel only while someone holds it, and a subscriber
// that arrives later by name finds these same objects.
const createChannel = diagnosticsChannel.channel('async-op:op:create');
const cancelRequestedChannel = diagnosticsChannel.channel('async-op:op:cancel-requested');
const canceledChannel = diagnosticsChannel.channel('async-op:op:canceled');
const completedChannel = diagnosticsChannel.channel('async-op:op:completed');
const releasedChannel = diagnosticsChannel.channel('async-op:op:released');
const CHANNELS = [createChannel, cancelRequestedChannel, canceledChannel, completedChannel, releasedChannel];

/**
 * Whether any of the channels above has a subscriber. The hot paths test this one module variable (`if (isTraced)`)
 * instead of a `hasSubscribers` getter per lifecycle point: with nobody listening, each point then costs one load and
 * one branch, and its code stays small enough for V8 to inline.
 */
export let isTraced = false;

function refresh(): void {
  isTraced = CHANNELS.some((channel) => channel.hasSubscribers);
  noteTraced(isTraced);
}

// diagnostics_channel.subscribe(name, fn) and unsubscribe(name, fn) call these methods on the channel object (Node 20
// to 24), so own wrappers keep `isTraced` exact while the platform's methods do the work. Channels are shared by name
// across the process: another installed copy of this package wraps the same objects, so each wrapper calls the one it
// found (the other copy's) rather than replacing it.
for (const channel of CHANNELS) {
  for (const method of ['subscribe', 'unsubscribe'] as const) {
    const previous = Object.getOwnPropertyDescriptor(channel, method)?.value as unknown;
    const wrapper = (subscription: (message: unknown, name: string | symbol) => void): unknown => {
      const target =
        typeof previous === 'function'
          ? previous
          : (Object.getPrototypeOf(channel) as diagnosticsChannel.Channel)[method];
      try {
        return (target as (fn: typeof subscription) => unknown).call(channel, subscription);
      } finally {
        refresh();
      }
    };
    Object.defineProperty(channel, method, { value: wrapper, configurable: true, writable: true });
  }
}

let nextOpId = 1;

/** The op's id for diagnostics and tracing, given on first need (so ops nobody looks at carry none). */
export function opIdOf(record: OpRecord): number {
  const more = moreOf(record);
  if (more.id === 0) more.id = nextOpId++;
  return more.id;
}

const STATES = ['running', 'canceling', 'completed'] as const;

/** With `isTraced`: publishes the create event if someone listens. */
export function traceCreate(record: OpRecord): void {
  if (createChannel.hasSubscribers) publishOpEvent(createChannel, record);
}

/** With `isTraced`: publishes the cancel-requested event if someone listens. */
export function traceCancelRequested(record: OpRecord): void {
  if (cancelRequestedChannel.hasSubscribers) publishOpEvent(cancelRequestedChannel, record);
}

/** With `isTraced`: publishes the canceled or completed event (as the op was canceled or not) if someone listens. */
export function traceCompleted(record: OpRecord): void {
  const channel = isCanceled(record) ? canceledChannel : completedChannel;
  if (channel.hasSubscribers) publishOpEvent(channel, record);
}

/** With `isTraced`: publishes the released event if someone listens. */
export function traceReleased(record: OpRecord): void {
  if (releasedChannel.hasSubscribers) publishOpEvent(releasedChannel, record);
}

function publishOpEvent(channel: diagnosticsChannel.Channel, record: OpRecord): void {
  const parent = parentOf(record);
  const reason = isCanceled(record) ? reasonOf(record) : undefined;
  const more = moreOf(record);
  const event: AsyncOpEvent = {
    id: opIdOf(record),
    label: labelOf(record),
    parentId: parent === null ? undefined : opIdOf(parent),
    state: STATES[stateOf(record)] ?? 'running',
    isCanceled: isCanceled(record),
    reason,
    cancelKind: cancelKindOf(reason),
    deadline: more.deadline === Infinity ? undefined : more.deadline,
  };
  channel.publish(event);
}
