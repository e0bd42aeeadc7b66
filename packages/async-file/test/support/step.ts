import type { AsyncOp } from 'async-op';
import type { EngineError, FileCallback } from '../../src/index.js';

/** Starts one callback action; returns the caller's reference or throws. */
export type StartAction<T> = (callback: FileCallback<T>) => AsyncOp<unknown>;

/** What an action's callback received. */
export interface Outcome<T> {
  readonly error: EngineError | null;
  readonly result: T | undefined;
}

/**
 * Runs a callback action and resolves with what its callback received, for sequencing inside tests. The caller's
 * reference is released when the callback arrives (or at once if it came before the action returned), so a test that
 * awaits every step leaks nothing. A synchronous throw of the action propagates as a rejection.
 */
export function outcome<T>(start: StartAction<T>): Promise<Outcome<T>> {
  return new Promise((resolve, reject) => {
    let op: AsyncOp<unknown> | undefined;
    let hasArrived = false;
    try {
      op = start((error, result) => {
        if (hasArrived) throw new Error('the callback ran twice');
        hasArrived = true;
        op?.release();
        resolve({ error, result });
      });
    } catch (error) {
      reject(error);
      return;
    }
    if (hasArrived) op.release();
  });
}

/** Like {@link outcome}, but resolves with the result and rejects with the callback's error. */
export async function step<T>(start: StartAction<T>): Promise<T> {
  const { error, result } = await outcome(start);
  if (error !== null) throw error;
  return result as T;
}

/** Resolves with the error of the callback; rejects if the action succeeded. */
export async function stepError<T>(start: StartAction<T>): Promise<EngineError> {
  const { error } = await outcome(start);
  if (error === null) throw new Error('expected the action to fail, it succeeded');
  return error;
}

/** Resolves with the reason `promise` rejected with; rejects if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

/**
 * Resolves or rejects as `promise` does, but rejects with a readable error if it has not settled within `ms`
 * (so a promise that never settles fails its test quickly instead of running into mocha's timeout).
 */
export function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
