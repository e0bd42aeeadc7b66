import { ScriptedJob } from '../internal/scripted-job.js';
import { expectCallback } from '../option-validators.js';
import { parseFileJobRequest, type FileJobRequest } from './file-job-request.js';
import { FileJob } from './file-job.js';
import type { Job, JobEnd } from './job.js';
import { expectLowLevelOptions, type LowLevelModuleOptions } from './low-level-options.js';
import type { LowLevelTestSettings } from './low-level-test-settings.js';

/**
 * Creates the job of one low-level start(): the next scripted outcome of `options.testSettings` if one is queued,
 * else the real {@link FileJob}.
 *
 * @param options - the module's options: its manager and, in tests, its settings (one outcome is consumed).
 * @param request - the request (checked and copied by the job).
 * @param onEnd - receives the job's end, exactly once, if its start() returned.
 * @returns the job, not started.
 * @throws TypeError/RangeError for bad options, request or onEnd, naming the value received (nothing is consumed
 *   from the settings then).
 * @remarks A scripted job reports its outcome at once (`sync`), after a delay on the settings' clock, never (`hang`), or runs
 *   the real job after a delay; a cancel during the delay ends it `canceled` at once.
 */
export function createFileJob(options: LowLevelModuleOptions, request: FileJobRequest, onEnd: JobEnd): Job {
  expectLowLevelOptions(options);
  const { manager, testSettings } = options;
  const copy = parseFileJobRequest(request);
  expectCallback(onEnd);
  const outcome = testSettings?.take();
  if (outcome === undefined) return new FileJob(manager, copy, onEnd);
  const { completionDelayMs, clock } = testSettings as LowLevelTestSettings;
  return new ScriptedJob(outcome, completionDelayMs, clock, (end) => new FileJob(manager, copy, end), onEnd);
}
