import diagnosticsChannel from 'node:diagnostics_channel';
import {
  AsyncOp,
  AsyncOpChannels,
  DeadlineExceededError,
  ManualClock,
  cancelKindOf,
  isDeadlineError,
  type AsyncOpEvent,
  type CancelKind,
} from 'async-op';
import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import {
  FILE_LOW_LEVELS,
  FILE_STACKS,
  LowLevelTestSettings,
  isCancelAll,
  stackTitle,
  type FileJobValue,
  type FileLowLevelName,
  type Result,
  type SampleStack,
} from 'async-op-samples';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { buildStack, type BuiltStack } from './support/matrix-stacks.js';

// The reason-kind matrix: on every sample stack, over both LL variants, each way an operation comes to be canceled
// gives the top operation's callback a reason of the right kind and origin, and every op beneath a reason of kind
// `parent` whose `cause` chain leads back to it. The stacks are the samples' registry (FILE_STACKS), built as the
// conformance matrix builds them.

/** How the test cancels the top operation: what it does, and the kind and origin the top reason must have. */
interface Trigger {
  readonly kind: 'explicit' | 'deadline' | 'parent' | 'close-all';
  /** Cancels `op` (started on `stack`); returns the kind and origin expected of the top reason. */
  cancel(run: MatrixRun): { readonly kind: CancelKind; readonly origin: string | undefined };
}

/** One cell of the matrix: the stack, its clock, the top op and what the channel saw canceled. */
interface MatrixRun {
  readonly definition: SampleStack;
  readonly stack: BuiltStack;
  readonly clock: ManualClock;
  readonly op: AsyncOp<unknown>;
}

/** The label of the op the top op follows in the `parent` row. */
const CALLER = 'the caller';

const TRIGGERS: readonly Trigger[] = [
  {
    kind: 'explicit',
    cancel: ({ op }) => {
      op.cancel();
      return { kind: 'explicit', origin: op.label };
    },
  },
  {
    // the op's own deadline, given by the caller on any op (an HL module gives its ops one from its options)
    kind: 'deadline',
    cancel: ({ op, clock }) => {
      op.cancelAfter(3_600_000, clock);
      clock.advance(3_600_000);
      return { kind: 'deadline', origin: op.label };
    },
  },
  {
    kind: 'parent',
    cancel: ({ op }) => {
      const caller = AsyncOp.create({ context: null, label: CALLER });
      op.follow(caller);
      caller.cancel();
      caller.release();
      return { kind: 'parent', origin: CALLER };
    },
  },
  {
    // close() of a module that cancels what it tracks; the others' close() waits (see the test)
    kind: 'close-all',
    cancel: ({ stack }) => {
      void stack.top.close();
      return { kind: 'shutdown', origin: 'hl-cancel-all' };
    },
  },
];

/** Records the reason of every op canceled while it is subscribed. */
class CancelLog {
  readonly events: AsyncOpEvent[] = [];
  readonly #listener = (message: unknown): void => {
    this.events.push(message as AsyncOpEvent);
  };

  constructor() {
    diagnosticsChannel.subscribe(AsyncOpChannels.cancelRequested, this.#listener);
  }

  stop(): void {
    diagnosticsChannel.unsubscribe(AsyncOpChannels.cancelRequested, this.#listener);
  }
}

/** The causes of `reason`, itself first. */
function causeChain(reason: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = reason; current !== undefined && chain.length < 16;) {
    chain.push(current);
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return chain;
}

async function runCell(definition: SampleStack, variant: FileLowLevelName, trigger: Trigger): Promise<void> {
  const log = new CancelLog();
  const clock = new ManualClock();
  const engine = new ScriptedEngine();
  engine.addDirectory('/data');
  const manager = new AsyncFileManager({ engine });
  // the first LL call hangs until canceled: the operation is pending at every layer when the cancel comes
  const settings = new LowLevelTestSettings({ clock }).hangNext();
  const stack = buildStack(definition, variant, manager, settings);
  let results: Result<FileJobValue>[] = [];
  try {
    const op = stack.top.start(stack.request('/data/out', Buffer.from('data'), 4), (result) => {
      results = [...results, result];
    });
    const run: MatrixRun = { definition, stack, clock, op };
    if (trigger.kind === 'close-all' && !isCancelAll(definition)) {
      // close() of a module that does not track its operations cancels nothing: it waits for them
      let isClosed = false;
      void stack.top.close().then(() => (isClosed = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect([op.isCanceled, isClosed, results.length]).to.deep.equal([false, false, 0]);
      expect(log.events).to.deep.equal([]);
      op.cancel();
      op.release();
      return;
    }
    const expected = trigger.cancel(run);
    await new Promise((resolve) => setImmediate(resolve));
    // the top op's callback: once, canceled, with the top op's reason
    expect(results.map((result) => result.status)).to.deep.equal(['canceled']);
    const topReason = results[0]?.error;
    expect(cancelKindOf(topReason)).to.equal(expected.kind);
    expect(topReason).to.have.property('origin', expected.origin);
    expect(isDeadlineError(topReason)).to.equal(trigger.kind === 'deadline');
    if (trigger.kind === 'deadline') expect(topReason).to.be.instanceOf(DeadlineExceededError);
    // every op beneath: kind parent, caused (through the ops between) by the top reason, from the same origin
    const top = log.events.find((event) => event.reason === topReason);
    const below = log.events.filter((event) => event !== top && event.label !== CALLER);
    expect(below, 'one op per layer beneath the top').to.have.length(definition.layers.length);
    for (const event of below) {
      expect(event.cancelKind, event.label).to.equal('parent');
      expect(causeChain(event.reason), event.label).to.include(topReason);
      expect(event.reason).to.have.property('origin', expected.origin);
      expect(isDeadlineError(event.reason), event.label).to.equal(trigger.kind === 'deadline');
    }
    op.release();
  } finally {
    log.stop();
    for (const module of stack.modules) await module.close();
    await manager.whenIdle();
    for (const module of stack.modules) module.destroy();
    expect(engine.openDescriptorCount).to.equal(0);
  }
}

describe('the reason-kind matrix (explicit, deadline, parent, close-all) on every stack', () => {
  for (const definition of FILE_STACKS) {
    for (const variant of FILE_LOW_LEVELS) {
      describe(stackTitle(definition, variant), () => {
        for (const trigger of TRIGGERS) {
          it(`${trigger.kind}: the top callback gets its reason, every op beneath kind parent`, () =>
            runCell(definition, variant, trigger));
        }
      });
    }
  }
});
