import { expect } from 'chai';
import { describe, it } from 'mocha';
import { DataDetachedError } from '../src/file-jobs/data-detached-error.js';
import { ModuleClosedError, ModuleErrorCode, ModuleStateError } from '../src/module-errors.js';

describe('module errors', () => {
  it('should keep their permanent codes', () => {
    expect(ModuleErrorCode).to.deep.equal({
      MODULE_CLOSED: 'ERR_MODULE_CLOSED',
      MODULE_STATE: 'ERR_MODULE_STATE',
      DATA_DETACHED: 'ERR_DATA_DETACHED',
    });
  });

  it('should be Error subclasses with their name, their code and the message given', () => {
    const cases: [Error & { code: string }, string, string][] = [
      [new ModuleClosedError('m is closed'), 'ModuleClosedError', 'ERR_MODULE_CLOSED'],
      [new ModuleStateError('m is open'), 'ModuleStateError', 'ERR_MODULE_STATE'],
      [new DataDetachedError('8 bytes at start, 0 now'), 'DataDetachedError', 'ERR_DATA_DETACHED'],
    ];
    for (const [error, name, code] of cases) {
      expect(error).to.be.instanceOf(Error);
      expect(error.name).to.equal(name);
      expect(error.code).to.equal(code);
      expect(String(error)).to.match(new RegExp(`^${name}: `));
      expect(Object.keys(error)).to.deep.equal(['code']);
    }
  });
});
