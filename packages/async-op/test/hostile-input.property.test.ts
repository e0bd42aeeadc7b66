import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  AsyncOp,
  CanceledError,
  LeakTracker,
  ManualClock,
  SystemClock,
  formatOpTree,
  runAsPromise,
  runAsPromiseRejectingOnCancel,
  type AsyncOpOptions,
} from '../src/index.js';

/** Values a hostile caller passes where a number, string, function, object or signal is expected. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    -1,
    -0,
    0.5,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    -(2 ** 31),
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    null,
    undefined,
    '',
    'yes',
    'a\0b',
    true,
    false,
    10n,
    Symbol('hostile'),
    [],
    {},
    Object.create(null),
    () => undefined,
    new Date(Number.NaN),
    new ArrayBuffer(0),
    AbortSignal.abort('already'),
  ),
  fc.anything(),
);

/** Runs `call`: it must return, or throw a TypeError/RangeError that names the argument ("Expected `x` ..."). */
function expectRefusedOrFine(call: () => void): void {
  try {
    call();
  } catch (error) {
    expect(error, String(error)).to.satisfy(
      (caught: unknown) => caught instanceof TypeError || caught instanceof RangeError,
    );
    expect((error as Error).message).to.match(/^Expected `[^`]+`|^Expected `options\.\w+` or/);
  }
}

describe('hostile input to every public entry point of async-op', () => {
  it('AsyncOp.create(): options of any shape are created or refused synchronously, never half-created', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostile,
          fc.record(
            {
              context: hostile,
              cancel: hostile,
              dispose: hostile,
              label: hostile,
              shield: hostile,
              deadline: hostile,
              timeoutMs: hostile,
              clock: fc.oneof(hostile, fc.constant(new ManualClock())),
            },
            { requiredKeys: [] },
          ),
        ),
        (options) => {
          const mark = LeakTracker.mark();
          expectRefusedOrFine(() => {
            const op = AsyncOp.create(options as AsyncOpOptions<unknown>);
            op.release();
          });
          expect(LeakTracker.liveReferences(mark)).to.deep.equal([]);
        },
      ),
    );
  });

  it('cancel(), follow(), setDeadline(), cancelAfter(), ref() and onCancel() with hostile arguments', () => {
    fc.assert(
      fc.property(hostile, hostile, (value, other) => {
        const clock = new ManualClock();
        const op = AsyncOp.create({ context: null, clock, cancel: () => undefined });
        expectRefusedOrFine(() => op.setDeadline(value as number));
        expectRefusedOrFine(() => op.setDeadline(0, value as never));
        expectRefusedOrFine(() => op.cancelAfter(value as number, other as never));
        expectRefusedOrFine(() => op.ref(value as string).release());
        expectRefusedOrFine(() => op.onCancel(value as never).unregister());
        expectRefusedOrFine(() => op.follow(value as never));
        clock.advance(0);
        // any value is a valid reason, kept as given (undefined meaning none)
        if (op.cancel(value) && value !== undefined) expect(Object.is(op.reason, value)).to.equal(true);
        op.release();
        expect(clock.pendingTimers).to.equal(0);
      }),
    );
  });

  it('runAsPromise() and runAsPromiseRejectingOnCancel(): bad arguments throw at once, bad returns reject', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (start, options) => {
        for (const run of [runAsPromise, runAsPromiseRejectingOnCancel]) {
          let promise: Promise<unknown> | undefined;
          expectRefusedOrFine(() => {
            promise = run(start as never, options as never);
          });
          // a start function that is a function but returns junk must reject with a TypeError, never hang
          if (promise !== undefined) await promise.catch(() => undefined);
        }
      }),
    );
  });

  it('clocks, CanceledError, LeakTracker and formatOpTree() with hostile arguments', () => {
    fc.assert(
      fc.property(hostile, hostile, (value, other) => {
        expectRefusedOrFine(() => new ManualClock(value as never));
        expectRefusedOrFine(() => new ManualClock({ startMs: value as never, isIdle: other as never }));
        const manual = new ManualClock();
        expectRefusedOrFine(() => manual.advance(value as number));
        expectRefusedOrFine(() => manual.clearTimer(value));
        expectRefusedOrFine(() => manual.setTimer(other as never, value as number, undefined));
        manual.advance(0);
        expect(manual.pendingTimers).to.be.at.most(1);
        const system = new SystemClock({ keepsProcessAlive: false });
        expectRefusedOrFine(() => system.clearTimer(system.setTimer(() => undefined, value as number, undefined)));
        expectRefusedOrFine(() => system.clearTimer(value));
        expectRefusedOrFine(() => new SystemClock(value as never));
        expectRefusedOrFine(() => new CanceledError('message', { kind: other as never, origin: value as never }));
        expectRefusedOrFine(() => LeakTracker.liveReferences(value as number));
        expectRefusedOrFine(() => formatOpTree(value as never, other as never));
      }),
    );
    // enable() is refused for hostile options and leaves tracking on (the suite's leak check relies on it)
    fc.assert(
      fc.property(hostile, (value) => {
        expectRefusedOrFine(() => LeakTracker.enable(value as never));
        if (!LeakTracker.isEnabled) LeakTracker.enable();
      }),
    );
    LeakTracker.enable();
  });
});
