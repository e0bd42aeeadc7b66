// #region race-with-deadline
import { expect } from 'chai';
import fc from 'fast-check';
import { it } from 'mocha';
import { AsyncOp, ManualClock } from 'async-op';

it('should let a race property include a deadline firing in any order with cancel and completion', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 0, max: 100 }), async (s, timeoutMs) => {
      const clock = new ManualClock();
      const deliveries: string[] = [];
      const op = AsyncOp.create({
        context: null,
        clock,
        timeoutMs,
        cancel: () => {
          if (own.complete()) deliveries.push('canceled');
        },
      });
      const own = op.ref();
      // a completion and a user cancel, each released by the scheduler in any order
      void s.schedule(Promise.resolve('complete')).then(() => {
        if (own.complete()) deliveries.push('ok');
      });
      void s.schedule(Promise.resolve('cancel')).then(() => op.cancel());
      // time passing is a third party in the race: the deadline may fire before, between or after them
      void s.schedule(Promise.resolve('time passes')).then(() => clock.advance(timeoutMs));
      await clock.runUntilIdle(() => s.waitIdle());
      // exactly one delivery, and nothing pending on the clock
      expect(deliveries).to.have.length(1);
      expect(clock.pendingTimers).to.equal(0);
      own.release();
      op.release();
    }),
  );
});
// #endregion
