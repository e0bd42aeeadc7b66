import { WOULD_BLOCK } from '../file-engine.js';
import { engineFailure } from './engine-failure.js';
import type { ActionStep, FileAction, StepServices } from './file-action.js';
import { ProbeBackoff } from './handle-record.js';

/** The most calls in a row that skip the cache probe after it was declined (see ProbeBackoff). */
const MAX_PROBE_BACKOFF = 64;

/** What the fast path needs of its scheduler. */
export interface FastPathServices extends StepServices {
  /** Whether the fast path asks the engine never to block (the cache probe). */
  readonly noWait: boolean;
}

/**
 * The fast path of `syncThresholdBytes`: does a started action's work now, in its slot, and records its outcome for
 * delivery on a later turn; returns false if it must go the asynchronous way instead (declined, or backing off).
 *
 * @remarks A declined probe costs the JS thread a system call, and a missed read even starts the disk I/O from it (the
 * kernel's readahead): on a file that is not cached, the handle backs off (see ProbeBackoff) so that the loop stays
 * free: the next 1, then 2, 4, ... calls skip the probe. When they are used up, a read first asks the engine whether
 * its bytes are cached (`isCached`: no I/O, no wait), and a "no" backs off further without the probe's disk read; an
 * engine that cannot tell probes. What the step throws is the action's error, delivered later like any completion.
 */
export function runFast(services: FastPathServices, action: FileAction): boolean {
  const handle = action.handle;
  const noWait = services.noWait;
  const isWrite = action.step.isWrite; // read and readInto share the reads' back-off
  const probe = noWait && handle !== null ? (isWrite ? handle.writeProbe : handle.readProbe) : null;
  let result: unknown;
  try {
    if (probe !== null && probe.backoff > 0 && !mayTryNow(services, action, probe, isWrite)) return false;
    result = (action.step.runNow as NonNullable<ActionStep['runNow']>)(action, services, noWait);
  } catch (error) {
    services.completeLater(action, engineFailure(error, services.engine.name, action.step.kind), undefined);
    return true;
  }
  if (result === WOULD_BLOCK) {
    if (noWait && handle !== null) {
      let backoff = probe;
      if (backoff === null) {
        backoff = new ProbeBackoff();
        if (isWrite) handle.writeProbe = backoff;
        else handle.readProbe = backoff;
      }
      declined(backoff);
    }
    return false;
  }
  if (probe !== null) probe.backoff = 0;
  services.completeLater(action, null, result);
  return true;
}

/**
 * Whether an action of a handle that backs off may try the probe now: not while it has skips left (it uses one up);
 * once they are used up, a read whose engine can tell whether its bytes are cached (without starting I/O) tries only
 * if they are, and otherwise backs off further as a declined probe would, without the probe's disk read. What
 * `isCached` throws is the action's error (runFast).
 */
function mayTryNow(services: FastPathServices, action: FileAction, probe: ProbeBackoff, isWrite: boolean): boolean {
  if (probe.skips > 0) {
    probe.skips--;
    return false;
  }
  const cached = isWrite ? undefined : services.engine.isCached?.(action.fd, action.position, action.length);
  if (cached !== false) return true; // cached, or the engine cannot tell: probe
  declined(probe);
  return false;
}

/** A declined probe (or a read known not to be cached): the next calls of its kind skip twice as many, up to a bound. */
function declined(probe: ProbeBackoff): void {
  probe.backoff = Math.min(2 * probe.backoff || 1, MAX_PROBE_BACKOFF);
  probe.skips = probe.backoff;
}
