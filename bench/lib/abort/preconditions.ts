/** What the `abort` group checks before it measures: whether io_uring runs here, and which blocks to probe. */
import { newAutoManager } from '../auto-manager.js';
import { BLOCK } from '../workload.js';
import { FILE_BYTES, RESIDENCY_SAMPLE } from './constants.js';

/** Why io_uring cannot run here, or undefined (an engine 'auto' manager would then have picked node-fs). */
export function uringUnavailable(): string | undefined {
  const probe = newAutoManager();
  const why = probe.engineName === 'io_uring' ? undefined : probe.engineReason;
  void probe.close();
  return why;
}

/** Block offsets spread over the file's second half, which no run reaches (a run stops at about 10%). */
export function residencySample(): number[] {
  const first = FILE_BYTES / 2 / BLOCK;
  const step = Math.floor(FILE_BYTES / 2 / BLOCK / RESIDENCY_SAMPLE);
  return Array.from({ length: RESIDENCY_SAMPLE }, (_, i) => (first + i * step) * BLOCK);
}
