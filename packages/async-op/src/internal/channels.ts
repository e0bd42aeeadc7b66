import diagnosticsChannel from 'node:diagnostics_channel';
import { cancelKindOf } from '../canceled-error.js';
import type { AsyncOpEvent } from '../tracing.js';
import { isCanceled, labelOf, moreOf, parentOf, reasonOf, stateOf, type OpRecord } from './op-record.js';

// Created once, at module load, and held here: Node keeps a channel only while someone holds it, and a subscriber
// that arrives later by name finds these same objects. With no subscriber, each lifecycle point costs one
// `hasSubscribers` check.
export const createChannel = diagnosticsChannel.channel('async-op:op:create');
export const cancelRequestedChannel = diagnosticsChannel.channel('async-op:op:cancel-requested');
export const canceledChannel = diagnosticsChannel.channel('async-op:op:canceled');
export const completedChannel = diagnosticsChannel.channel('async-op:op:completed');
export const releasedChannel = diagnosticsChannel.channel('async-op:op:released');

let nextOpId = 1;

/** The op's id for diagnostics and tracing, given on first need (so ops nobody looks at carry none). */
export function opIdOf(record: OpRecord): number {
  const more = moreOf(record);
  if (more.id === 0) more.id = nextOpId++;
  return more.id;
}

const STATES = ['running', 'canceling', 'completed'] as const;

/** Publishes the payload of one lifecycle event (only called when the channel has subscribers). */
export function publishOpEvent(channel: diagnosticsChannel.Channel, record: OpRecord): void {
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
