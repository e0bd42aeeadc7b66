import type { SharedCancelDescriptor } from 'async-op';

/** What the latency worker is asked to follow, and how it waits. */
export type LatencyMessage =
  | { readonly kind: 'shared-busy' | 'shared-idle'; readonly descriptor: SharedCancelDescriptor }
  | { readonly kind: 'signal-busy' | 'signal-idle'; readonly signal: AbortSignal };

/** The shared flag: the worker follows and waits (READY), the worker saw the cancel (SEEN, stamp written). */
export const READY = 1;
export const SEEN = 2;
/** A busy worker following a posted AbortSignal yields after this much work, so the signal can reach it at all. */
export const BUSY_SLICE_MS = 1;
