import type { EngineCallback, EngineError, FileEngine } from 'async-op-file';

/** An errno error as the engines report one. */
export function errnoError(code: string, syscall: string): EngineError {
  return Object.assign(new Error(`${code}: ${syscall} failed (injected)`), { code, syscall });
}

/**
 * Wraps an engine so that a close really closes the descriptor and then reports `code`, as Linux does for a close
 * interrupted or failing after it released the descriptor (EINTR, EIO).
 *
 * @param shouldFail - asked as each close is issued: whether this one fails (default: every one).
 * @remarks The other methods are the engine's own, bound to it (engines keep private fields).
 */
export function closeFailsAfterClosing(
  engine: FileEngine,
  code: string,
  shouldFail: () => boolean = () => true,
): FileEngine {
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'close') {
        return (fd?: number, callback?: EngineCallback<void>) => {
          // without arguments: an io_uring engine's own shutdown (AsyncFileManager.close() calls it)
          if (fd === undefined || callback === undefined) return (target as unknown as { close(): void }).close();
          const fails = shouldFail();
          return target.close(fd, (error) => callback(error ?? (fails ? errnoError(code, 'close') : null), undefined));
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
