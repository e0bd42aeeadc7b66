import type { SharedCancelDescriptor } from '../shared-cancel-descriptor.js';
import { isEncodedReason, type EncodedReason } from './reason-codec.js';

/** Owner -> thread: run `request`; follow `cancel`; answer with the same id. */
export interface CallMessage {
  readonly asyncOpCall: number;
  readonly cancel: SharedCancelDescriptor;
  readonly request: unknown;
}

/** Thread -> owner: how call `asyncOpResult` ended. */
export type ResultMessage =
  | { readonly asyncOpResult: number; readonly status: 'ok'; readonly value: unknown }
  | { readonly asyncOpResult: number; readonly status: 'error' | 'canceled'; readonly error: EncodedReason };

/** Whether `message` is a call (any other traffic on the port is left to its other listeners). */
export function isCallMessage(message: unknown): message is Record<string, unknown> & { asyncOpCall: unknown } {
  return typeof message === 'object' && message !== null && 'asyncOpCall' in message;
}

/** Whether `message` is a result (any other traffic on the port is left to its other listeners). */
export function isResultMessage(message: unknown): message is Record<string, unknown> & { asyncOpResult: unknown } {
  return typeof message === 'object' && message !== null && 'asyncOpResult' in message;
}

/** Whether a result message's body has the expected shape (it came from another thread: checked). */
export function isWellFormedResult(message: Record<string, unknown>): message is ResultMessage {
  const status = message['status'];
  if (status === 'ok') return 'value' in message;
  return (status === 'error' || status === 'canceled') && isEncodedReason(message['error']);
}
