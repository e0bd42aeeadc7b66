import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { expectBytes, expectChunkSize, expectPath, isDetached, MAX_CHUNK_SIZE } from '../src/request-validators.js';
import { anyValue, detachedBytes, edgeNumbers, expectRefusal } from './support/hostile.js';

describe('request validators', () => {
  describe('isDetached()', () => {
    it('should tell a detached array from an attached one, empty or not, shared or not', () => {
      expect(isDetached(detachedBytes())).to.equal(true);
      expect(isDetached(new Uint8Array(0))).to.equal(false);
      expect(isDetached(new Uint8Array(4))).to.equal(false);
      expect(isDetached(new Uint8Array(new SharedArrayBuffer(4)))).to.equal(false);
      expect(isDetached(Buffer.alloc(0))).to.equal(false);
    });
  });

  describe('expectPath()', () => {
    it('should return a non-empty string without NUL bytes, and refuse anything else naming it', () => {
      expect(expectPath('request.path', '/tmp/a b')).to.equal('/tmp/a b');
      expect(expectPath('request.path', 'relative')).to.equal('relative');
      fc.assert(
        fc.property(fc.oneof(anyValue, fc.string()), (value) => {
          if (typeof value === 'string' && value !== '' && !value.includes('\0')) return;
          expectRefusal(() => expectPath('request.path', value), 'request.path', value);
        }),
      );
      for (const value of ['', '\0', 'a\0b', '/x\0']) expectRefusal(() => expectPath('p', value), 'p', value);
    });
  });

  describe('expectChunkSize()', () => {
    it('should return undefined or an integer from 1 to 2^31-1', () => {
      expect(expectChunkSize('c', undefined)).to.equal(undefined);
      expect(expectChunkSize('c', 1)).to.equal(1);
      expect(expectChunkSize('c', MAX_CHUNK_SIZE)).to.equal(2 ** 31 - 1);
    });

    it('should refuse the edges, naming the value', () => {
      for (const value of [...edgeNumbers, 0, null, '1', 1n]) {
        if (value === 2 ** 31 - 1) continue;
        expectRefusal(() => expectChunkSize('request.chunkSize', value), 'request.chunkSize', value);
      }
    });
  });

  describe('expectBytes()', () => {
    it('should return an attached Uint8Array (a Buffer, shared memory, empty) as it is', () => {
      for (const bytes of [new Uint8Array(0), Buffer.from('x'), new Uint8Array(new SharedArrayBuffer(2))]) {
        expect(expectBytes('data', bytes)).to.equal(bytes);
      }
    });

    it('should refuse a detached array, saying so, and anything that is not a Uint8Array', () => {
      expect(() => expectBytes('request.data', detachedBytes())).to.throw(
        TypeError,
        'Expected `request.data` to be a Uint8Array that is not detached, got a detached Uint8Array',
      );
      for (const value of ['bytes', [1, 2], new Uint16Array(2), new ArrayBuffer(2), null, undefined, 3]) {
        expectRefusal(() => expectBytes('request.data', value), 'request.data', value);
      }
    });
  });
});
