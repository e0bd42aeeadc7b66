/**
 * Describes a thrown value for a violation: `TypeError (ERR_X): message`, or the value as a string.
 *
 * @param error - anything a callback, a module or an engine threw.
 * @returns one line (the first line of the message).
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message.split('\n')[0] ?? '';
    return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${message}`;
  }
  return String(error);
}

/** The race whose violations {@link reportRaceError} adds to, while one runs. */
let current: RaceViolations | null = null;

function setCurrent(violations: RaceViolations | null): void {
  current = violations;
}

/**
 * The broken invariants of one race run, in the order they were seen.
 *
 * @remarks
 * Every piece of the kit writes here, and {@link RaceViolations.guard} turns a throw from user code (a callback, a
 * module's start, a close) into a violation instead of an exception in a scheduled task, where no caller could see
 * it. While a race runs, it is also the target of {@link reportRaceError}.
 */
export class RaceViolations {
  readonly #found: string[] = [];

  /** The violations so far, each once, in the order first seen. */
  get list(): readonly string[] {
    return [...new Set(this.#found)];
  }

  /** Whether none was seen. */
  get isEmpty(): boolean {
    return this.#found.length === 0;
  }

  /**
   * Records one violation.
   *
   * @param text - what broke, in one line: `op2 called back 2 time(s)`.
   */
  add(text: string): void {
    this.#found.push(text);
  }

  /**
   * Runs `action` and records what it throws as "`what` threw ...".
   *
   * @param what - names the action for the message: `start op1`, `cancel op2`.
   * @param action - the code to run, synchronously.
   * @returns whether `action` returned without throwing.
   */
  guard(what: string, action: () => void): boolean {
    try {
      action();
      return true;
    } catch (error) {
      this.add(`${what} threw ${describeError(error)}`);
      return false;
    }
  }

  /**
   * Makes this the target of {@link reportRaceError} until the returned function is called.
   *
   * @returns the function that ends it (call it in a `finally`).
   */
  activate(): () => void {
    const previous = current;
    setCurrent(this);
    return () => setCurrent(previous);
  }
}

/**
 * Reports an error thrown where no caller can catch it (a promise continuation of module code) to the race that is
 * running, as a violation; with no race running, rethrows it in a microtask (an uncaught exception, as without the
 * kit).
 *
 * @param error - what was thrown.
 * @remarks Use it as `promise.catch(reportRaceError)` in test doubles whose continuations call user code.
 */
export function reportRaceError(error: unknown): void {
  if (current !== null) {
    current.add(`a promise continuation threw ${describeError(error)}`);
    return;
  }
  queueMicrotask(() => {
    throw error;
  });
}
