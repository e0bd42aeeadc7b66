import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { operationLabel } from '../src/operation-label.js';
import { anyValue, expectRefusal } from './support/hostile.js';

describe('operationLabel()', () => {
  it("should name the module, the request's kind and the file it targets", () => {
    expect(operationLabel('ll-real-cancel', { kind: 'write-file', path: '/data/report.txt' })).to.equal(
      'll-real-cancel write-file report.txt',
    );
    expect(operationLabel('ml-retries', { kind: 'rename', from: '/a/x', to: '/a/y' })).to.equal('ml-retries rename y');
    expect(operationLabel('hl', { path: '/d/doc.txt', data: new Uint8Array(1) })).to.equal('hl doc.txt');
    expect(operationLabel('hl-cancel-all', null)).to.equal('hl-cancel-all');
    expect(operationLabel('hl', { kind: 7, path: 8 })).to.equal('hl');
  });

  it('should run no getter of the request and never throw for one, whatever it is', () => {
    let reads = 0;
    const request = {
      get kind(): string {
        reads++;
        return 'write-file';
      },
    };
    expect(operationLabel('ll', request)).to.equal('ll');
    expect(reads).to.equal(0);
    const hostile = new Proxy(
      {},
      {
        getOwnPropertyDescriptor: () => {
          throw new Error('trap');
        },
      },
    );
    expect(operationLabel('ll', hostile)).to.equal('ll');
    fc.assert(fc.property(anyValue, (value) => typeof operationLabel('m', value) === 'string'));
  });

  it('should refuse a module name that is not a string', () => {
    expectRefusal(() => operationLabel(3 as never, {}), 'moduleName', 3);
  });
});
