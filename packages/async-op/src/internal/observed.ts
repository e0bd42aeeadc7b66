/**
 * Whether anything watches ops as they are created: a tracer (a subscriber on a lifecycle channel) or the leak
 * tracker. create() tests this one module variable on its common path; the modules that know set it.
 */
export let isObserved = false;

let isTracedNow = false;
let isTrackedNow = false;

/** Called by the channels module when the set of subscribers changes. */
export function noteTraced(isTraced: boolean): void {
  isTracedNow = isTraced;
  isObserved = isTracedNow || isTrackedNow;
}

/** Called by the tracking module when the leak tracker is turned on or off. */
export function noteTracked(isTracked: boolean): void {
  isTrackedNow = isTracked;
  isObserved = isTracedNow || isTrackedNow;
}
