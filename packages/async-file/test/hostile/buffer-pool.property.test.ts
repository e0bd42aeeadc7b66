import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { allocateAlignedBuffer, BufferPool, type BufferPoolOptions } from '../../src/index.js';
import { expectNamedRefusal, hostileBuffer, hostileNumber, NOT_A_NUMBER } from './hostile-values.js';

/** A size that is valid but large enough to cost real memory per run is left out: the boundaries stay. */
const sizeArbitrary = hostileNumber.filter(
  (n) => !(Number.isSafeInteger(n) && (n as number) > 1 << 20 && (n as number) < 2 ** 31),
);

describe('BufferPool hostile arguments', () => {
  it('should create a pool or refuse its options, naming the value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record(
            { bufferSize: fc.oneof(fc.constantFrom(1, 4096), sizeArbitrary), maxFree: hostileNumber },
            {
              requiredKeys: [],
            },
          ),
          fc.constantFrom<unknown>(null, 5, 'pool', ...NOT_A_NUMBER.filter((v) => typeof v !== 'object')),
        ),
        (options) => {
          try {
            const pool = new BufferPool(options as BufferPoolOptions);
            expect(pool.bufferSize).to.be.a('number');
          } catch (error) {
            expectNamedRefusal(error, 'new BufferPool()');
          }
        },
      ),
    );
  });

  it('should allocate or refuse any size, and release exactly what it handed out, once', () => {
    fc.assert(
      fc.property(sizeArbitrary, hostileBuffer, fc.boolean(), (size, foreign, isViewReleased) => {
        const pool = new BufferPool({ bufferSize: 4096, maxFree: 2 });
        let buffer: Buffer | undefined;
        try {
          buffer = pool.allocate(size as number);
        } catch (error) {
          expectNamedRefusal(error, `allocate(${fc.stringify(size)})`);
          expect(Number.isSafeInteger(size) && (size as number) >= 0 && (size as number) < 2 ** 31).to.equal(false);
        }
        if (buffer !== undefined) {
          expect(buffer.length).to.be.at.least(size as number);
          pool.release(isViewReleased ? buffer.subarray(0, 1) : buffer);
          expect(() => pool.release(buffer as Buffer), 'a second release').to.throw(TypeError, /got/);
        }
        expect(() => pool.release(foreign as Uint8Array), 'a buffer the pool never handed out').to.throw(
          TypeError,
          /got/,
        );
        expect(pool.outstandingCount).to.equal(0);
      }),
    );
  });
});

describe('allocateAlignedBuffer hostile arguments', () => {
  it('should return an aligned buffer of the size, or refuse the size or alignment naming it', () => {
    fc.assert(
      fc.property(
        sizeArbitrary,
        fc.oneof(fc.constantFrom(1, 512, 4096, 2 ** 30, 3, 6000, 2 ** 31), hostileNumber),
        (size, alignment) => {
          let buffer: Buffer | undefined;
          try {
            buffer = allocateAlignedBuffer(size as number, alignment as number);
          } catch (error) {
            expectNamedRefusal(error, `allocateAlignedBuffer(${fc.stringify(size)}, ${fc.stringify(alignment)})`);
            return;
          }
          expect(buffer.length).to.equal(size);
          // taken: the alignment was a power of two from 1 to 2^30 (undefined: the default, 4096)
          const taken = (alignment ?? 4096) as number;
          expect(Number.isInteger(taken) && taken >= 1 && taken <= 2 ** 30, `alignment ${taken}`).to.equal(true);
          expect((taken & (taken - 1)) === 0, `alignment ${taken}`).to.equal(true);
        },
      ),
    );
  });
});
