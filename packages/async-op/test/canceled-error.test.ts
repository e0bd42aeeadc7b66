import { expect } from 'chai';
import { describe, it } from 'mocha';
import { CanceledError, ErrorCode, isCanceledError } from '../src/index.js';

describe('CanceledError', () => {
  it('should carry the permanent code and the reason as cause', () => {
    const reason = new Error('user left');
    const error = new CanceledError('save canceled', { cause: reason });
    expect(error.code).to.equal('ERR_CANCELED');
    expect(error.code).to.equal(ErrorCode.CANCELED);
    expect(error.cause).to.equal(reason);
    expect(error.name).to.equal('CanceledError');
    expect(error.message).to.equal('save canceled');
    expect(new CanceledError().message).to.equal('The operation was canceled');
  });

  describe('isCanceledError()', () => {
    it('should accept a CanceledError, any error with code ERR_CANCELED, and an AbortError DOMException', () => {
      expect(isCanceledError(new CanceledError())).to.equal(true);
      expect(isCanceledError(Object.assign(new Error('copy'), { code: 'ERR_CANCELED' }))).to.equal(true);
      const controller = new AbortController();
      controller.abort();
      expect(isCanceledError(controller.signal.reason)).to.equal(true);
    });

    it("should accept Node's own AbortError, what fs and timers reject with on abort", async () => {
      const { setTimeout: sleep } = await import('node:timers/promises');
      const controller = new AbortController();
      const sleeping = sleep(10_000, undefined, { signal: controller.signal });
      controller.abort(new Error('reason'));
      const error = await sleeping.catch((caught: unknown) => caught);
      expect((error as { code?: string }).code).to.equal('ABORT_ERR');
      expect(isCanceledError(error)).to.equal(true);
    });

    it('should reject everything else', () => {
      for (const value of [undefined, null, 'ERR_CANCELED', new Error('x'), { name: 'AbortError' }]) {
        expect(isCanceledError(value), String(value)).to.equal(false);
      }
    });
  });
});
