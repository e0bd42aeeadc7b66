import { LeakTracker, type AsyncOp } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  AtomicSaveModule,
  CancelAllModule,
  FakeCancelFileModule,
  HighLevelModule,
  PassThroughModule,
  RealCancelFileModule,
  RetryModule,
  SampleErrorCode,
  type CancellableModule,
  type FileJobValue,
} from '../src/index.js';
import { expectNamedRefusal, hostileNumber, hostileValue } from './support/hostile-values.js';
import { LL_VARIANTS, scriptedStack, shutDown } from './support/stack.js';

type AnyModule = CancellableModule<unknown, FileJobValue>;

/** Every sample's constructor, as a function of its options. */
const CONSTRUCTORS: Readonly<Record<string, (options: unknown) => unknown>> = {
  RealCancelFileModule: (options) => new RealCancelFileModule(options as never),
  FakeCancelFileModule: (options) => new FakeCancelFileModule(options as never),
  PassThroughModule: (options) => new PassThroughModule(options as never),
  AtomicSaveModule: (options) => new AtomicSaveModule(options as never),
  RetryModule: (options) => new RetryModule(options as never),
  HighLevelModule: (options) => new HighLevelModule(options as never),
  CancelAllModule: (options) => new CancelAllModule(options as never),
};

/** The fields a refusal may name. */
function optionFields(options: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = { options };
  if (typeof options !== 'object' || options === null) return fields;
  for (const key of ['manager', 'testSettings', 'lower', 'maxAttempts', 'baseDelayMs', 'maxDelayMs']) {
    fields[`options.${key}`] = (options as Record<string, unknown>)[key];
  }
  return fields;
}

/** Lifecycle calls in any order. */
type Call = 'open' | 'close' | 'await close' | 'destroy' | 'start' | 'cancel' | 'cancelAll';
const CALLS: readonly Call[] = ['open', 'close', 'await close', 'destroy', 'start', 'cancel', 'cancelAll'];

describe('every sample under hostile options and lifecycle misuse', () => {
  it('should refuse bad options at once with a TypeError or RangeError naming the value', () => {
    const { ll, manager } = scriptedStack('ll-real-cancel');
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(CONSTRUCTORS)),
        fc.oneof(
          hostileValue,
          fc.record(
            {
              manager: fc.oneof(fc.constant(manager), hostileValue),
              testSettings: hostileValue,
              lower: fc.oneof(fc.constant(ll), hostileValue, fc.constant({ start: () => undefined })),
              maxAttempts: fc.oneof(hostileNumber, hostileValue),
              baseDelayMs: fc.oneof(hostileNumber, hostileValue),
              maxDelayMs: fc.oneof(hostileNumber, hostileValue),
            },
            { requiredKeys: [] },
          ),
        ),
        (name, options) => {
          try {
            (CONSTRUCTORS[name] as (options: unknown) => unknown)(options);
          } catch (error) {
            expectNamedRefusal(error, optionFields(options));
          }
        },
      ),
    );
    return shutDown(manager, [ll]);
  });

  it('should answer every lifecycle call in every state with success or a coded error, never a hang or a leak', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ll', 'ml', 'chain', 'retries', 'hl', 'cancel-all'),
        fc.constantFrom(...LL_VARIANTS),
        fc.array(fc.constantFrom(...CALLS), { maxLength: 12 }),
        async (layer, variant, calls) => {
          const mark = LeakTracker.mark();
          const stack = scriptedStack(variant, { completion: 'async' });
          stack.settings.hangNext().hangNext().hangNext();
          const lower = stack.ll as AnyModule;
          const module: AnyModule =
            layer === 'll'
              ? lower
              : layer === 'ml'
                ? new PassThroughModule({ lower })
                : layer === 'chain'
                  ? (new AtomicSaveModule({ lower: stack.ll }) as AnyModule)
                  : layer === 'retries'
                    ? new RetryModule({ lower, baseDelayMs: 0 })
                    : layer === 'hl'
                      ? new HighLevelModule({ lower })
                      : new CancelAllModule({ lower });
          const request =
            layer === 'chain' ? { path: '/data/f', data: Buffer.from('x') } : { kind: 'unlink', path: '/data/f' };
          const ops: { op: AsyncOp<unknown>; callbacks: number }[] = [];
          const closes: Promise<void>[] = [];
          const expectCoded = (error: unknown): void => {
            expect((error as { code?: unknown }).code, String(error)).to.be.oneOf([
              SampleErrorCode.MODULE_CLOSED,
              SampleErrorCode.MODULE_STATE,
            ]);
          };
          for (const call of calls) {
            try {
              if (call === 'open') module.open();
              if (call === 'destroy') module.destroy();
              if (call === 'close') closes.push(module.close().catch(expectCoded));
              if (call === 'await close') {
                // a hung call stays pending until canceled: cancel what is left, as a user would before waiting
                for (const entry of ops) entry.op.cancel();
                await module.close().catch(expectCoded);
              }
              if (call === 'start') {
                const entry = { op: undefined as unknown as AsyncOp<unknown>, callbacks: 0 };
                entry.op = module.start(request, () => entry.callbacks++);
                ops.push(entry);
              }
              if (call === 'cancel') ops.at(-1)?.op.cancel('misuse');
              if (call === 'cancelAll' && module instanceof CancelAllModule) module.cancelAll();
            } catch (error) {
              expectCoded(error);
            }
          }
          // the end: cancel what is left, close (unless destroyed), wait for everything
          for (const entry of ops) entry.op.cancel();
          if (module.state !== 'destroyed') await module.close();
          await Promise.all(closes);
          for (const entry of ops) expect(entry.callbacks, 'callbacks of one start').to.equal(1);
          for (const entry of ops) entry.op.release();
          if (module !== lower) {
            await stack.ll.close();
            await stack.manager.whenIdle();
          } else {
            await stack.manager.whenIdle();
          }
          expect(stack.engine.openDescriptorCount, 'descriptors left open').to.equal(0);
          expect(LeakTracker.liveReferences(mark), 'unreleased AsyncOp references').to.deep.equal([]);
        },
      ),
    );
  });
});
