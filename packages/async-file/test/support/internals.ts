import type { AsyncFileHandle, AsyncFileManager } from '../../src/index.js';

/**
 * What tests read of the package's private state, in one place: each reader names the internal field it reaches
 * (the handle's HandleRecord, the manager's ReadBufferSource), so that a rename breaks here and nowhere else.
 */

/** The descriptor a handle holds, or null (HandleRecord.fd). */
export function descriptorOf(handle: AsyncFileHandle): number | null {
  return (handle as unknown as { record: { fd: number | null } }).record.fd;
}

/** The descriptor a handle holds: it must hold one. */
export function openDescriptorOf(handle: AsyncFileHandle): number {
  const fd = descriptorOf(handle);
  if (fd === null) throw new Error(`handle ${handle.id} holds no descriptor`);
  return fd;
}

/** How many O_DIRECT results the manager tracks as not its allocator's (ReadBufferSource.alignedCount). */
export function alignedResultsTracked(manager: AsyncFileManager): number {
  return (manager as unknown as { buffers: { alignedCount: number } }).buffers.alignedCount;
}
