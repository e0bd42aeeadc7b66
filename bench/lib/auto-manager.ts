/**
 * Managers with `engine: 'auto'`, the engine users get when they ask the manager to choose (io_uring where the kernel
 * and the built addon allow it, else node-fs): every group reports its manager figures on it too, and notes what
 * 'auto' chose on the machine.
 */
import { AsyncFileManager, type AsyncFileManagerOptions } from 'async-op-file';

/** A manager with `engine: 'auto'` and the other options given. */
export function newAutoManager(options: Omit<AsyncFileManagerOptions, 'engine'> = {}): AsyncFileManager {
  return new AsyncFileManager({ ...options, engine: 'auto' });
}

/** A report note: which engine 'auto' chose here and why (the manager's own one-line reason). */
export function autoNote(manager: AsyncFileManager): string {
  return `engine 'auto' chose ${manager.engineName} here (${manager.engineReason})`;
}
