import { ManualClock, systemClock } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  expectCallback,
  expectClock,
  expectInteger,
  expectLowerModule,
  expectObject,
  expectTimeoutMs,
  MAX_TIMER_DELAY_MS,
} from '../src/option-validators.js';
import { anyValue, edgeNumbers, expectRefusal } from './support/hostile.js';

describe('option validators', () => {
  describe('expectObject()', () => {
    it('should return an object as it is, and refuse anything else naming it', () => {
      const options = { a: 1 };
      expect(expectObject('options', options)).to.equal(options);
      fc.assert(
        fc.property(anyValue, (value) => {
          if (typeof value === 'object' && value !== null) expect(expectObject('options', value)).to.equal(value);
          else expectRefusal(() => expectObject('options', value), 'options', value);
        }),
      );
    });

    it('should refuse a name that is not a string', () => {
      expectRefusal(() => expectObject(7 as never, null), 'name', 7);
    });
  });

  describe('expectCallback()', () => {
    it('should accept any function and refuse anything else naming it', () => {
      expect(() => expectCallback(() => undefined)).to.not.throw();
      expect(() => expectCallback(class {})).to.not.throw();
      fc.assert(
        fc.property(anyValue, (value) => {
          if (typeof value === 'function') return;
          expectRefusal(() => expectCallback(value), 'callback', value);
        }),
      );
    });
  });

  describe('expectInteger()', () => {
    it('should return integers in range, both ends included', () => {
      expect(expectInteger('n', 0, 0, 5)).to.equal(0);
      expect(expectInteger('n', 5, 0, 5)).to.equal(5);
      expect(expectInteger('delay', MAX_TIMER_DELAY_MS, 0, MAX_TIMER_DELAY_MS)).to.equal(2 ** 31 - 1);
    });

    it('should refuse with a TypeError what is not a number and a RangeError what is out of range, naming it', () => {
      for (const value of [...edgeNumbers, -0.5, 6, 1.5]) {
        if (Number.isInteger(value) && value >= 0 && value <= 5) continue;
        expectRefusal(() => expectInteger('options.n', value, 0, 5), 'options.n', value);
        expect(() => expectInteger('options.n', value, 0, 5)).to.throw(RangeError);
      }
      for (const value of ['1', null, undefined, 1n, {}]) {
        expect(() => expectInteger('options.n', value, 0, 5)).to.throw(TypeError, 'Expected `options.n`');
      }
      expect(() => expectInteger('delay', 2 ** 31, 0, MAX_TIMER_DELAY_MS)).to.throw(RangeError, 'got `2147483648`');
    });

    it('should refuse bounds that are not safe integers in order', () => {
      expect(() => expectInteger('n', 1, Number.NaN, 5)).to.throw(RangeError, 'bounds of `n`');
      expect(() => expectInteger('n', 1, 5, 0)).to.throw(RangeError, 'min <= max');
      expect(() => expectInteger('n', 1, 0, Infinity)).to.throw(RangeError);
    });

    it('should accept exactly the integers of the range (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 }), anyValue, (a, b, value) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const isValid = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
          if (isValid) expect(expectInteger('n', value, min, max)).to.equal(value);
          else expectRefusal(() => expectInteger('n', value, min, max), 'n', value);
        }),
      );
    });
  });

  describe('expectLowerModule()', () => {
    it('should accept options whose lower has start() and close()', () => {
      const lower = { start: () => undefined, close: () => undefined };
      expect(() => expectLowerModule({ lower })).to.not.throw();
    });

    it('should refuse options that are not an object, and a lower that is not a module, naming the value', () => {
      expectRefusal(() => expectLowerModule(null), 'options', null);
      for (const lower of [undefined, null, 1, 'module', {}, { start: () => undefined }, { close: () => undefined }]) {
        expectRefusal(() => expectLowerModule({ lower }), 'options.lower', lower);
      }
    });
  });

  describe('expectTimeoutMs()', () => {
    it('should accept any number >= 0, Infinity and past 2^31-1 included, and refuse the rest naming it', () => {
      fc.assert(
        fc.property(anyValue, (value) => {
          const isValid = typeof value === 'number' && value >= 0;
          if (isValid) expect(expectTimeoutMs('options.timeoutMs', value)).to.equal(value);
          else expectRefusal(() => expectTimeoutMs('options.timeoutMs', value), 'options.timeoutMs', value);
        }),
      );
      expect(expectTimeoutMs('t', 2 ** 32)).to.equal(2 ** 32);
      expect(expectTimeoutMs('t', Infinity)).to.equal(Infinity);
    });
  });

  describe('expectClock()', () => {
    it('should return the clock, systemClock for undefined, and refuse anything without the three methods', () => {
      const clock = new ManualClock();
      expect(expectClock('options.clock', clock)).to.equal(clock);
      expect(expectClock('options.clock', undefined)).to.equal(systemClock);
      const custom = { now: () => 0, setTimer: () => 1, clearTimer: () => undefined };
      expect(expectClock('options.clock', custom)).to.equal(custom);
      for (const bad of [null, 0, 'clock', {}, { now: () => 0, setTimer: () => 1 }, () => undefined]) {
        expectRefusal(() => expectClock('options.clock', bad), 'options.clock', bad);
      }
    });
  });
});
