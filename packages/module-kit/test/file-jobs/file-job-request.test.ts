import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { parseFileJobRequest, validateFileJobRequest } from '../../src/file-jobs/file-job-request.js';
import { anyValue, detachedBytes } from '../support/hostile.js';

describe('file job requests', () => {
  describe('parseFileJobRequest()', () => {
    it('should copy each kind, keeping only its fields (chunkSize only when given) and the data itself', () => {
      const data = Buffer.from('abc');
      const cases: [unknown, unknown][] = [
        [
          { kind: 'write-file', path: '/a', data, extra: 1 },
          { kind: 'write-file', path: '/a', data },
        ],
        [
          { kind: 'write-file', path: '/a', data, chunkSize: 2 },
          { kind: 'write-file', path: '/a', data, chunkSize: 2 },
        ],
        [
          { kind: 'read-file', path: '/a' },
          { kind: 'read-file', path: '/a' },
        ],
        [
          { kind: 'read-file', path: '/a', chunkSize: 9 },
          { kind: 'read-file', path: '/a', chunkSize: 9 },
        ],
        [
          { kind: 'sync-file', path: '/a', chunkSize: 'ignored' },
          { kind: 'sync-file', path: '/a' },
        ],
        [
          { kind: 'unlink', path: '/a' },
          { kind: 'unlink', path: '/a' },
        ],
        [
          { kind: 'rename', from: '/a', to: '/b' },
          { kind: 'rename', from: '/a', to: '/b' },
        ],
      ];
      for (const [request, copy] of cases) {
        const parsed = parseFileJobRequest(request);
        expect(parsed).to.deep.equal(copy);
        expect(parsed).to.not.equal(request);
      }
      const parsed = parseFileJobRequest({ kind: 'write-file', path: '/a', data });
      expect(parsed.kind === 'write-file' && parsed.data).to.equal(data);
    });

    it('should read each field once: a getter that changes its answer cannot slip a bad value past the check', () => {
      let reads = 0;
      const request = {
        kind: 'unlink',
        get path(): unknown {
          return reads++ === 0 ? '/ok' : '';
        },
      };
      expect(parseFileJobRequest(request)).to.deep.equal({ kind: 'unlink', path: '/ok' });
      expect(reads).to.equal(1);
    });

    it('should refuse hostile requests with a TypeError or RangeError naming the field and the value', () => {
      const cases: [unknown, string][] = [
        [null, 'Expected `request` to be an object, got `null`'],
        [
          { kind: 'copy' },
          "Expected `request.kind` to be 'write-file', 'sync-file', 'rename', 'unlink' or 'read-file'",
        ],
        [{ kind: 'unlink', path: '' }, 'Expected `request.path`'],
        [{ kind: 'rename', from: '/a', to: 'b\0' }, 'Expected `request.to`'],
        [{ kind: 'write-file', path: '/a', data: detachedBytes() }, 'got a detached Uint8Array'],
        [{ kind: 'write-file', path: '/a', data: 'text' }, 'Expected `request.data` to be a Uint8Array'],
        [{ kind: 'read-file', path: '/a', chunkSize: 0 }, 'Expected `request.chunkSize`'],
        [{ kind: 'read-file', path: '/a', chunkSize: 2 ** 31 }, 'got `2147483648`'],
      ];
      for (const [request, message] of cases) {
        expect(() => parseFileJobRequest(request), message).to.throw(message);
        expect(() => validateFileJobRequest(request), message).to.throw(message);
      }
    });

    it('should either return a request or throw a TypeError/RangeError for any value (property)', () => {
      fc.assert(
        fc.property(
          fc.record({
            kind: fc.constantFrom('write-file', 'read-file', 'sync-file', 'unlink', 'rename', 'other'),
            path: anyValue,
            from: anyValue,
            to: anyValue,
            data: anyValue,
            chunkSize: anyValue,
          }),
          (request) => {
            try {
              parseFileJobRequest(request);
            } catch (error) {
              expect(error instanceof TypeError || error instanceof RangeError, String(error)).to.equal(true);
            }
          },
        ),
      );
    });
  });
});
