import type { EngineMethodName, FileEngine } from '../../src/index.js';

/** An engine method a test can make throw. */
export type EngineMethod = EngineMethodName;

/** A FileEngine that delegates to another and throws, from the methods a test names, instead of calling it. */
export interface ThrowingEngine {
  readonly engine: FileEngine;
  /** Makes the next `times` calls of `method` throw `value` (default: once, an Error without a code). */
  throwFrom(method: EngineMethod, value?: unknown, times?: number): void;
  /** How many times each method threw so far. */
  readonly thrown: Map<EngineMethod, number>;
}

/**
 * Wraps `inner` so that chosen methods throw: the failure of an engine that cannot take an argument, was closed under
 * the manager, or has a bug. Every other call goes to `inner` unchanged (with `inner` as `this`, so private fields
 * work). `extra` adds methods `inner` lacks (directIoAlignment, say), which can throw too.
 */
export function throwingEngine(inner: FileEngine, extra: Partial<FileEngine> = {}): ThrowingEngine {
  const plan = new Map<EngineMethod, { value: unknown; times: number }>();
  const thrown = new Map<EngineMethod, number>();
  const engine = new Proxy(inner, {
    get(target, property, receiver) {
      const value =
        property in extra
          ? (extra as Record<string | symbol, unknown>)[property]
          : Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const planned = plan.get(property as EngineMethod);
        if (planned !== undefined && planned.times > 0) {
          planned.times--;
          thrown.set(property as EngineMethod, (thrown.get(property as EngineMethod) ?? 0) + 1);
          throw planned.value;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    engine,
    thrown,
    throwFrom(method, value = new Error(`${method} exploded`), times = 1) {
      plan.set(method, { value, times });
    },
  };
}
