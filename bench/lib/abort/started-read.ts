/** What every case of the `abort` group returns when it starts reading the file: how to follow it and cancel it. */

/** The promises a cancel returns. */
export interface CancelOutcome {
  /** Resolves once the caller has been told (a promise rejected, the stream's 'error'; cancel() returning). */
  readonly told: Promise<void>;
  /** Resolves once no I/O of the read remains (the handles settled, the promise settled, the stream closed). */
  readonly over: Promise<void>;
}

/** A read of the whole file in chunks, started. */
export interface StartedRead {
  /** Bytes read so far by the read's system calls (what the cancel waits for). */
  progress(): number;
  /** Cancels the whole read: abort() or cancel() on everything pending. */
  cancel(): CancelOutcome;
  /** Rejects if the read fails, or ends before it was canceled; never resolves. */
  readonly failure: Promise<never>;
}

/** The error of a read that reached the end of the file before the cancel came. */
export function endedBeforeCancel(what: string): Error {
  return new Error(`${what}: read the whole file before the cancel came`);
}

/** A promise that never settles (what `failure` is once a read was canceled as expected). */
export function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}
