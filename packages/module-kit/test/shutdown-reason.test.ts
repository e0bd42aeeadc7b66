import { CanceledError, cancelKindOf, isCanceledError, isDeadlineError } from 'async-op';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { shutdownReason } from '../src/shutdown-reason.js';
import { expectRefusal } from './support/hostile.js';

describe('shutdownReason()', () => {
  it('should be a CanceledError of kind shutdown whose origin is the module, saying what closed it', () => {
    const closed = shutdownReason('hl-cancel-all', 'close');
    expect(closed).to.be.instanceOf(CanceledError);
    expect(closed).to.include({ kind: 'shutdown', origin: 'hl-cancel-all', code: 'ERR_CANCELED' });
    expect(closed.message).to.match(/hl-cancel-all was closed/);
    expect(shutdownReason('pool', 'cancelAll').message).to.match(/pool\.cancelAll\(\)/);
    expect(cancelKindOf(closed)).to.equal('shutdown');
    expect(isCanceledError(closed)).to.equal(true);
    expect(isDeadlineError(closed)).to.equal(false);
  });

  it('should refuse a name or cause of the wrong kind', () => {
    expectRefusal(() => shutdownReason(1 as never, 'close'), 'moduleName', 1);
    expectRefusal(() => shutdownReason('m', 'stop' as never), 'cause', 'stop');
  });
});
