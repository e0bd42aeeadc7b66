/**
 * Where benchmark loops put what they produced, so that the optimizer cannot prove the work unobservable and drop it.
 * Every case loop returns its last result; the harness stores it here.
 */
export const sink: { value: unknown } = { value: undefined };
