import { CancelAllModule } from 'async-op-samples';
import { HangingModule } from './hanging-module.js';
import type { ScaleCase } from './scale-run.js';

/** The one reason of every sweep: no CanceledError (and stack) per operation, which is not what is measured. */
const REASON = new Error('scale benchmark: cancelAll');

interface SweepState {
  readonly hl: CancelAllModule<null, null>;
  readonly n: number;
  canceled: number;
}

let callbacks = 0;

function countCallback(): void {
  callbacks++;
}

/**
 * HL cancel-all with `n` pending operations (over a lower module whose operations hang until canceled), then one
 * cancelAll(): the timed part is the sweep alone, which cancels every operation and delivers its callback.
 */
export function cancelAllSweep(sizes: readonly number[]): ScaleCase<SweepState> {
  return {
    name: 'HL cancel-all: cancelAll() over {n} pending',
    sizes,
    setup(n) {
      const hl = new CancelAllModule<null, null>({ lower: new HangingModule() });
      hl.open();
      for (let i = 0; i < n; i++) hl.start(null, countCallback).release();
      return { hl, n, canceled: 0 };
    },
    run(state) {
      state.canceled = state.hl.cancelAll(REASON);
      return state.n;
    },
    teardown(state) {
      const before = callbacks;
      callbacks = 0;
      if (state.canceled !== state.n || before !== state.n || state.hl.trackedCount !== 0) {
        throw new Error(
          `cancelAll() over ${state.n}: ${state.canceled} canceled, ${before} callbacks, ${state.hl.trackedCount} left`,
        );
      }
      void state.hl.close();
      state.hl.destroy();
    },
  };
}
