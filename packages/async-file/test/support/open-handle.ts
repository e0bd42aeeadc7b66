import type { AsyncFileHandle, AsyncFileManager } from '../../src/index.js';
import { step } from './step.js';

/** Opens `file` on a new handle of `manager`. */
export async function openHandle(
  manager: AsyncFileManager,
  file: string,
  mode: 'read' | 'write' | 'read-write',
  options?: { syncThresholdBytes?: number },
): Promise<AsyncFileHandle> {
  const handle = manager.newFileHandle(options);
  await step<void>((cb) => handle.openExistingFile(file, mode, cb));
  return handle;
}
