import type { AsyncFileManager } from 'async-op-file';
import type { FileJobRequest } from '../file-job-request.js';
import type { LowLevelTestSettings } from '../ll-test-settings.js';
import { FileJob, type Job, type JobEnd } from './file-job.js';
import { ScriptedJob } from './scripted-job.js';

/**
 * Creates the job of one LL start(): the next scripted outcome of `settings` if there is one, else the real file job.
 */
export function createJob(
  manager: AsyncFileManager,
  settings: LowLevelTestSettings | undefined,
  request: FileJobRequest,
  onEnd: JobEnd,
): Job {
  const outcome = settings?.take();
  if (outcome === undefined) return new FileJob(manager, request, onEnd);
  const delayMs = (settings as LowLevelTestSettings).completionDelayMs;
  return new ScriptedJob(outcome, delayMs, (end) => new FileJob(manager, request, end), onEnd);
}
