import { IoUringEngine, IoUringUnavailableError } from '../../src/index.js';

/** Why the io_uring engine cannot run here, or undefined if it can. */
export function ioUringUnavailableReason(): string | undefined {
  try {
    new IoUringEngine().shutdown();
    return undefined;
  } catch (error) {
    if (error instanceof IoUringUnavailableError) return error.reason;
    throw error;
  }
}
