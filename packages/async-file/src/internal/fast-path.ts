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
 * free. What the step throws is the action's error, delivered later like any completion.
 */
export function runFast(services: FastPathServices, action: FileAction): boolean {
  const handle = action.handle;
  const noWait = services.noWait;
  const isWrite = action.step.isWrite; // read and readInto share the reads' back-off
  let probe: ProbeBackoff | null = null;
  if (noWait && handle !== null) {
    probe = isWrite ? handle.writeProbe : handle.readProbe;
    if (probe !== null && probe.skips > 0) {
      probe.skips--;
      return false;
    }
  }
  let result: unknown;
  try {
    result = (action.step.runNow as NonNullable<ActionStep['runNow']>)(action, services, noWait);
  } catch (error) {
    services.completeLater(action, engineFailure(error, services.engine.name, action.step.kind), undefined);
    return true;
  }
  if (result === WOULD_BLOCK) {
    if (noWait && handle !== null) {
      if (probe === null) {
        probe = new ProbeBackoff();
        if (isWrite) handle.writeProbe = probe;
        else handle.readProbe = probe;
      }
      probe.backoff = Math.min(2 * probe.backoff || 1, MAX_PROBE_BACKOFF);
      probe.skips = probe.backoff;
    }
    return false;
  }
  if (probe !== null) probe.backoff = 0;
  services.completeLater(action, null, result);
  return true;
}
