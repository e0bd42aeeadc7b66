import {
  AsyncOp,
  CanceledError,
  DeadlineExceededError,
  ManualClock,
  cancelKindOf,
  isDeadlineError,
  type AsyncOpReleasedError,
} from 'async-op';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { followUpper, parentReasonOf, releaseLower } from '../src/lower-op.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('lower-op', () => {
  describe('followUpper()', () => {
    it('should make the lower op follow: canceled with kind parent, cause the upper reason, origin its label', () => {
      const upper = AsyncOp.create({ context: null, label: 'hl save a.txt' });
      const lower = AsyncOp.create({ context: null, label: 'll write-file a.txt' });
      expect(followUpper(lower, upper)).to.equal(true);
      upper.cancel();
      expect(lower.reason).to.be.instanceOf(CanceledError);
      expect(lower.reason).to.include({ kind: 'parent', origin: 'hl save a.txt', cause: upper.reason });
      lower.release();
      upper.release();
    });

    it('should cancel at once, inside the call, a lower op whose upper op is canceled already', () => {
      const upper = AsyncOp.create({ context: null });
      upper.cancel('gone');
      const lower = AsyncOp.create({ context: null });
      expect(followUpper(lower, upper)).to.equal(true);
      expect(lower.isCanceled).to.equal(true);
      expect(lower.reason).to.include({ kind: 'parent', cause: 'gone' });
      lower.release();
      upper.release();
    });

    it('should return false, changing nothing, for a lower op that already follows a source', () => {
      const upper = AsyncOp.create({ context: null });
      const lower = AsyncOp.create({ context: null });
      const controller = new AbortController();
      lower.follow(controller.signal);
      expect(followUpper(lower, upper)).to.equal(false);
      upper.cancel();
      expect(lower.isCanceled).to.equal(false);
      controller.abort('own');
      expect(lower.reason).to.equal('own');
      lower.release();
      upper.release();
    });

    it('should throw for a released reference', () => {
      const upper = AsyncOp.create({ context: null });
      const lower = AsyncOp.create({ context: null });
      lower.release();
      expect(() => followUpper(lower, upper))
        .to.throw()
        .with.property('code', 'ERR_ASYNC_OP_RELEASED' satisfies AsyncOpReleasedError['code']);
      upper.release();
    });
  });

  describe('parentReasonOf()', () => {
    it('should give the reason following would give: kind parent, the upper reason as cause, its origin', () => {
      const upper = AsyncOp.create({ context: null, label: 'upper' });
      upper.cancel('why');
      const reason = parentReasonOf(upper);
      expect(reason).to.include({ kind: 'parent', origin: 'upper', cause: 'why', code: 'ERR_CANCELED' });
      const shutdown = new CanceledError('closed', { kind: 'shutdown', origin: 'hl-cancel-all' });
      const swept = AsyncOp.create({ context: null, label: 'op 2' });
      swept.cancel(shutdown);
      expect(parentReasonOf(swept)).to.include({ origin: 'hl-cancel-all', cause: shutdown });
      upper.release();
      swept.release();
    });

    it('should make a deadline upstream a DeadlineExceededError, so that { signal } APIs see a timeout', () => {
      const clock = new ManualClock();
      const upper = AsyncOp.create({ context: null, clock, timeoutMs: 5 });
      clock.advance(5);
      const reason = parentReasonOf(upper);
      expect(reason).to.be.instanceOf(DeadlineExceededError);
      expect(cancelKindOf(reason)).to.equal('parent');
      expect(isDeadlineError(reason)).to.equal(true);
      upper.release();
    });
  });

  describe('releaseLower()', () => {
    it('should release a lower op that was not canceled, and take nothing of the upper op', async () => {
      const upper = AsyncOp.create({ context: null });
      const lower = AsyncOp.create({ context: null });
      const ended = upper.whenReleased();
      releaseLower(lower, upper);
      expect(lower.isReleased).to.equal(true);
      upper.release();
      await ended;
    });

    it('should keep the upper op until a canceled lower op is released by whoever still holds it', async () => {
      const upper = AsyncOp.create({ context: null });
      const lower = AsyncOp.create({ context: null });
      const cleanup = lower.ref('cleanup');
      lower.cancel();
      let isUpperOver = false;
      const ended = upper.whenReleased().then(() => (isUpperOver = true));
      releaseLower(lower, upper);
      upper.release();
      await settle();
      expect(isUpperOver).to.equal(false);
      cleanup.release();
      await ended;
      expect(isUpperOver).to.equal(true);
    });

    it('should take nothing of the upper op when a canceled lower op has no other holder', () => {
      const upper = AsyncOp.create({ context: null });
      const lower = AsyncOp.create({ context: null });
      lower.cancel();
      releaseLower(lower, upper);
      expect(lower.isReleased).to.equal(true);
      expect(upper.referenceCount).to.equal(1);
      upper.release();
    });

    it('should only release the lower op when the upper reference was released already', () => {
      const upper = AsyncOp.create({ context: null });
      const lower = AsyncOp.create({ context: null });
      lower.cancel();
      upper.release();
      releaseLower(lower, upper);
      expect(lower.isReleased).to.equal(true);
    });
  });
});
