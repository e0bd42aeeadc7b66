import { expect } from 'chai';
import { describe, it } from 'mocha';
import { isRetryableError, mapRetryableToError } from '../src/retryable-error.js';
import type { Result } from '../src/module-types.js';

describe('retryable errors', () => {
  describe('isRetryableError()', () => {
    it('should say yes for EAGAIN, EWOULDBLOCK, EBUSY, EMFILE, ENFILE and EINTR only', () => {
      for (const code of ['EAGAIN', 'EWOULDBLOCK', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR']) {
        expect(isRetryableError(Object.assign(new Error(code), { code })), code).to.equal(true);
      }
      for (const code of ['EIO', 'ENOENT', 'ERR_CANCELED', 'eagain', 11, undefined]) {
        expect(isRetryableError({ code }), String(code)).to.equal(false);
      }
    });

    it('should say no, without throwing, for values that are not objects or whose code getter throws', () => {
      const throwing = Object.defineProperty({}, 'code', {
        get() {
          throw new Error('no code for you');
        },
      });
      for (const value of [null, undefined, 'EAGAIN', 11, Symbol('EAGAIN'), throwing]) {
        expect(isRetryableError(value)).to.equal(false);
      }
    });
  });

  describe('mapRetryableToError()', () => {
    it('should map error-can-retry to error with the same error, and pass every other result unchanged', () => {
      const cause = new Error('EAGAIN');
      expect(mapRetryableToError({ status: 'error-can-retry', error: cause })).to.deep.equal({
        status: 'error',
        error: cause,
      });
      const others: Result<number>[] = [
        { status: 'ok', value: 1 },
        { status: 'canceled', error: 'why' },
        { status: 'error', error: cause },
      ];
      for (const result of others) expect(mapRetryableToError(result)).to.equal(result);
    });
  });
});
