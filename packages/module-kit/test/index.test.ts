import { expect } from 'chai';
import { describe, it } from 'mocha';
import * as kit from '../src/index.js';

describe('async-op-module-kit (the package entry)', () => {
  it('should export exactly its public names (no internal helper, nothing by accident)', () => {
    expect(Object.keys(kit).sort()).to.deep.equal([
      'CancellableModuleBase',
      'DEFAULT_CHUNK_SIZE',
      'DataDetachedError',
      'FileJob',
      'LowLevelTestSettings',
      'MAX_CHUNK_SIZE',
      'MAX_SCRIPTED_OUTCOMES',
      'MAX_TIMER_DELAY_MS',
      'ModuleClosedError',
      'ModuleErrorCode',
      'ModuleLifecycle',
      'ModuleStateError',
      'TrackingList',
      'createFileJob',
      'delay',
      'deliverResult',
      'expectBytes',
      'expectCallback',
      'expectChunkSize',
      'expectClock',
      'expectInteger',
      'expectLowLevelOptions',
      'expectLowerModule',
      'expectObject',
      'expectPath',
      'expectTimeoutMs',
      'followUpper',
      'isDetached',
      'isRetryableError',
      'mapRetryableToError',
      'operationLabel',
      'parentReasonOf',
      'parseFileJobRequest',
      'readOperationOptions',
      'releaseLower',
      'shutdownReason',
      'startForwarded',
      'startTask',
      'validateFileJobRequest',
    ]);
  });
});
