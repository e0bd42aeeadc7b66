/**
 * Managers with `engine: 'auto'`, the engine users get when they ask the manager to choose (io_uring where the kernel
 * and the built addon allow it, else node-fs): every group reports its manager figures on it too, and notes what
 * 'auto' chose on the machine.
 */
import {
  AsyncFileManager,
  IoUringEngine,
  NodeFsEngine,
  type AsyncFileManagerOptions,
  type DescriptorEngine,
  type FileEngine,
} from 'async-op-file';

/** An engine class on real descriptors (node-fs, io_uring), as instrumented engines extend it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base constructor must take any[]
export type DescriptorEngineClass = new (...args: any[]) => DescriptorEngine & FileEngine;

/** A manager with `engine: 'auto'` and the other options given. */
export function newAutoManager(options: Omit<AsyncFileManagerOptions, 'engine'> = {}): AsyncFileManager {
  return new AsyncFileManager({ ...options, engine: 'auto' });
}

/** A report note: which engine 'auto' chose here and why (the manager's own one-line reason). */
export function autoNote(manager: AsyncFileManager): string {
  return `engine 'auto' chose ${manager.engineName} here (${manager.engineReason})`;
}

/**
 * The engine class 'auto' picks here, for instrumented engines that extend it: io_uring where it can be created, else
 * node-fs (the choice a manager with `engine: 'auto'` makes).
 */
export function autoEngineClass(): DescriptorEngineClass {
  const probe = newAutoManager();
  const picked = probe.engineName;
  void probe.close();
  return picked === 'io_uring' ? IoUringEngine : NodeFsEngine;
}
