import { expect } from 'chai';
import { describe, it } from 'mocha';
import { readOperationOptions } from '../src/operation-options.js';
import { expectRefusal } from './support/hostile.js';

describe('readOperationOptions()', () => {
  it("should apply the module's default timeout unless the call gives a timeout or a deadline", () => {
    expect(readOperationOptions(undefined, 500)).to.deep.equal({
      timeoutMs: 500,
      deadline: undefined,
      label: undefined,
    });
    expect(readOperationOptions(undefined, Infinity)).to.deep.equal({
      timeoutMs: undefined,
      deadline: undefined,
      label: undefined,
    });
    expect(readOperationOptions({ timeoutMs: 20 }, 500).timeoutMs).to.equal(20);
    // Infinity: no deadline for this call, even with a default
    expect(readOperationOptions({ timeoutMs: Infinity }, 500).timeoutMs).to.equal(undefined);
    expect(readOperationOptions({ deadline: 1_000, label: 'x' }, 500)).to.deep.equal({
      timeoutMs: undefined,
      deadline: 1_000,
      label: 'x',
    });
  });

  it('should refuse bad options naming the value', () => {
    expectRefusal(() => readOperationOptions(null, Infinity), 'options', null);
    expectRefusal(() => readOperationOptions(5, Infinity), 'options', 5);
    for (const bad of [-1, Number.NaN, -Infinity, '5', null, 10n]) {
      expectRefusal(() => readOperationOptions({ timeoutMs: bad }, Infinity), 'options.timeoutMs', bad);
    }
    for (const bad of [Number.NaN, '5', null]) {
      expectRefusal(() => readOperationOptions({ deadline: bad }, Infinity), 'options.deadline', bad);
    }
    expectRefusal(() => readOperationOptions({ label: 1 }, Infinity), 'options.label', 1);
    expect(() => readOperationOptions({ timeoutMs: 1, deadline: 1 }, Infinity)).to.throw(TypeError, /not both/);
  });
});
