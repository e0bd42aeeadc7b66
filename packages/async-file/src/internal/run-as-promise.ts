import { runAsPromiseRejectingOnCancel, type RunAsPromiseOptions, type StartFunction } from 'async-op';

/**
 * runAsPromiseRejectingOnCancel, with every bad argument a rejection: it throws synchronously for a bad `options` or
 * `signal`, and the action methods throw for theirs inside `start`, which rejects. The promise facades (PromiseFileHandle,
 * PromiseFileManager) reject for all of them, as Node's fs/promises does, so that `await` sees every failure the same
 * way.
 */
export function runAsPromise<T>(start: StartFunction<T>, options: RunAsPromiseOptions | undefined): Promise<T> {
  try {
    return runAsPromiseRejectingOnCancel<T>(start, options);
  } catch (error) {
    return Promise.reject(error);
  }
}
