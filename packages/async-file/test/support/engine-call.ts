import { expect } from 'chai';
import type { EngineError, FileCallback } from '../../src/index.js';

/** What an engine call reported. */
export interface Report<T> {
  readonly error: EngineError | null;
  readonly result: T;
}

/** Starts one engine call with the callback given (what it returns is the caller's business). */
export type EngineCallStart<T> = (callback: FileCallback<T>) => unknown;

/**
 * Runs one engine call and resolves with its report. A second report throws from inside the engine's callback (an
 * uncaught exception that fails the running test): every call reports exactly once. A synchronous throw of the call
 * rejects.
 */
export function call<T>(start: EngineCallStart<T>): Promise<Report<T>> {
  return new Promise((resolve, reject) => {
    let reports = 0;
    const report: FileCallback<T> = (error, result) => {
      reports++;
      if (reports > 1) throw new Error(`the engine reported a call ${reports} times`);
      resolve({ error, result });
    };
    try {
      start(report);
    } catch (error) {
      reject(error as Error);
    }
  });
}

/** Runs one engine call that must report before it returns (a synchronous engine) and returns its report. */
export function callNow<T>(start: EngineCallStart<T>): Report<T> {
  const received: Report<T>[] = [];
  start((error, result) => received.push({ error, result }));
  expect(received, 'reports before the call returned').to.have.length(1);
  return received[0] as Report<T>;
}

/** The result of a call that must succeed. */
export async function valueOf<T>(start: EngineCallStart<T>): Promise<T> {
  const { error, result } = await call(start);
  if (error !== null) throw error;
  return result;
}

/** The error of a call that must fail. */
export async function errorOf<T>(start: EngineCallStart<T>): Promise<EngineError> {
  const { error } = await call(start);
  expect(error, 'the call failed').to.be.instanceOf(Error);
  return error as EngineError;
}
