import { AtomicSaveModule } from '../ml-chain.js';
import { CancelAllModule } from '../hl-cancel-all.js';
import { FakeCancelFileModule } from '../ll-fake-cancel.js';
import { HighLevelModule } from '../hl.js';
import { PassThroughModule } from '../ml-pass-through.js';
import { RealCancelFileModule } from '../ll-real-cancel.js';
import { RetryModule } from '../ml-retries.js';
import { WorkerPoolModule } from '../ll-worker-pool.js';
import type { LowLevelName, SampleLayerName } from './sample-stacks.js';

/**
 * Every sample module class, by its one spelling. A module class the package exports and this table lacks fails the
 * registry's test (packages/samples/test/stacks/sample-stacks.test.ts): add it here and to the stacks it belongs to.
 */
export const SAMPLE_MODULES: {
  readonly [Name in LowLevelName | SampleLayerName]: abstract new (...args: never) => object;
} = {
  'll-real-cancel': RealCancelFileModule,
  'll-fake-cancel': FakeCancelFileModule,
  'll-worker-pool': WorkerPoolModule,
  'ml-pass-through': PassThroughModule,
  'ml-chain': AtomicSaveModule,
  'ml-retries': RetryModule,
  hl: HighLevelModule,
  'hl-cancel-all': CancelAllModule,
};
