/**
 * One benchmarked operation.
 *
 * @remarks
 * `run` contains its own loop (not a callback called by a shared loop), so that each case gets its own call sites and
 * type feedback: a shared loop calling many different callbacks would be megamorphic and charge every case for an
 * indirect call.
 */
export interface BenchCase {
  /** Shown in tables and used as the key in the results JSON. */
  readonly name: string;
  /** `subject`: the code under test; `baseline`: what it is compared with. */
  readonly role: 'subject' | 'baseline';
  /** Performs the operation `iterations` times and returns the last result (the harness keeps it in the sink). */
  readonly run: (iterations: number) => unknown;
}
