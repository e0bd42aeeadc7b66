import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import { isCanceledError, type AsyncOp } from 'async-op';
import {
  isCancelAll,
  type FileJobValue,
  type FileLowLevelName,
  type Result,
  type ResultStatus,
  type SampleStack,
} from 'async-op-samples';
import { PlannedTestSettings, type CallPlan, type EngineKind } from './call-plan.js';
import { buildStack, type BuiltStack } from './matrix-stacks.js';

/** How long a test waits for a callback or a close() before it fails (far above any correct run). */
const WAIT_LIMIT_MS = 5000;
/** The data of every operation, written in chunks of CHUNK_SIZE bytes (three writes). */
const CHUNK_SIZE = 16;

/** One operation started by a test. */
export interface StartedOperation {
  /** The file it creates on `ok`, relative to the run's directory. */
  readonly name: string;
  readonly data: Buffer;
  /** The callback, a spy: exactly one call is checked once everything settled. */
  readonly callback: sinon.SinonSpy<[Result<FileJobValue>], void>;
  /** The caller's reference (released by the run, after the scenario). */
  readonly op: AsyncOp<unknown>;
  /** Whether the callback ran before start() returned. */
  readonly wasCalledBeforeReturn: boolean;
  /** The first result. */
  readonly result: Promise<Result<FileJobValue>>;
  /** Scripted engine: the descriptors open when the callback ran (real cancel reports canceled after the close). */
  readonly descriptorsAtCallback: () => number | undefined;
  /** Whether any of its LL calls was a scripted `ok` (then it did not write the file). */
  readonly wasScripted: () => boolean;
}

/**
 * One conformance test: an engine (scripted, or real files in a fresh temporary directory), a manager, planned LL test
 * settings and the stack; the operations the scenario starts; and the checks every scenario ends with.
 */
export class ConformanceRun {
  readonly settings: PlannedTestSettings;
  readonly engine: ScriptedEngine | undefined;
  readonly manager: AsyncFileManager;
  readonly stack: BuiltStack;
  readonly directory: string;
  readonly operations: StartedOperation[] = [];
  /** The reason given to op.cancel(); HL cancel-all's close() gives none (a CanceledError then). */
  readonly cancelReason = new Error('canceled by the conformance test');
  readonly #isCancelAll: boolean;
  #isDisposed = false;

  constructor(
    readonly definition: SampleStack,
    readonly lowLevel: FileLowLevelName,
    readonly engineKind: EngineKind,
    plan: CallPlan,
  ) {
    this.settings = new PlannedTestSettings(plan, engineKind, dataFor(0).length);
    if (engineKind === 'scripted') {
      this.engine = new ScriptedEngine({ completion: this.settings.completion });
      this.directory = '/data';
      this.engine.addDirectory(this.directory);
      this.manager = new AsyncFileManager({ engine: this.engine, concurrency: 4 });
    } else {
      this.engine = undefined;
      this.directory = mkdtempSync(path.join(tmpdir(), 'conformance-'));
      this.manager = new AsyncFileManager({ concurrency: 4 });
    }
    this.#isCancelAll = isCancelAll(definition);
    this.stack = buildStack(definition, lowLevel, this.manager, this.settings);
  }

  /** Whether the stack's LL is fake cancel. */
  get isFake(): boolean {
    return this.lowLevel === 'll-fake-cancel';
  }

  /** Starts one operation on the top module, writing a new file. */
  start(): StartedOperation {
    const index = this.operations.length;
    const name = `file-${index}.txt`;
    const data = dataFor(index);
    const scriptedBefore = this.settings.scriptedOkCount;
    let scriptedAfter: number | undefined;
    let descriptors: number | undefined;
    let calls = 0;
    let resolve: (result: Result<FileJobValue>) => void = () => {};
    const result = new Promise<Result<FileJobValue>>((r) => (resolve = r));
    const callback = sinon.spy((outcome: Result<FileJobValue>): void => {
      // the first call settles `result`; any further one is left for finish() to count
      if (++calls === 1) {
        scriptedAfter = this.settings.scriptedOkCount;
        descriptors = this.engine?.openDescriptorCount;
        resolve(outcome);
      }
    });
    const request = this.stack.request(path.join(this.directory, name), data, CHUNK_SIZE);
    const op = this.stack.top.start(request, callback);
    const operation: StartedOperation = {
      name,
      data,
      callback,
      op,
      wasCalledBeforeReturn: callback.called,
      result,
      descriptorsAtCallback: () => descriptors,
      wasScripted: () => (scriptedAfter ?? this.settings.scriptedOkCount) > scriptedBefore,
    };
    this.operations.push(operation);
    return operation;
  }

  /** Waits for an operation's first result, failing the test after WAIT_LIMIT_MS. */
  settle(operation: StartedOperation): Promise<Result<FileJobValue>> {
    return withinLimit(operation.result, `the callback of ${operation.name}`);
  }

  /** Waits for `promise`, failing the test after WAIT_LIMIT_MS with `what` in the message. */
  waitFor<T>(promise: Promise<T>, what: string): Promise<T> {
    return withinLimit(promise, what);
  }

  /**
   * The stack's cancel: op.cancel(reason), or for HL cancel-all close() then open() again.
   *
   * @param isDeliveredInside - whether a pending operation's callback must have run when cancel (or close) returns:
   *   by default over fake cancel (checked here); over real cancel it comes once the work stopped.
   * @returns what op.cancel() returned (for cancel-all: whether the operation was pending).
   */
  async cancel(operation: StartedOperation, isDeliveredInside = this.isFake): Promise<boolean> {
    const callsBefore = operation.callback.callCount;
    let didCancel: boolean;
    if (this.#isCancelAll) {
      const closed = this.stack.top.close();
      didCancel = callsBefore === 0;
      this.#expectDelivery(operation, callsBefore, isDeliveredInside);
      await withinLimit(closed, 'close() of HL cancel-all');
      expect(this.stack.top.state).to.equal('closed');
      this.stack.top.open();
    } else {
      didCancel = operation.op.cancel(this.cancelReason);
      this.#expectDelivery(operation, callsBefore, isDeliveredInside);
    }
    return didCancel;
  }

  #expectDelivery(operation: StartedOperation, callsBefore: number, isDeliveredInside: boolean): void {
    if (isDeliveredInside && callsBefore === 0) {
      expect(operation.callback.callCount, 'callbacks when cancel returned').to.equal(1);
    }
  }

  /**
   * The checks every scenario ends with: releases the caller's references, awaits close() of every module top-down
   * and the manager's whenIdle(); then exactly one callback per operation with its expected status (and the written
   * bytes for `ok`), the files on disk are exactly those of the `ok` operations that really wrote (no temporary
   * file, no canceled target), and for the scripted engine no descriptor open and no violation.
   *
   * @param expected - the status of each operation, in start order.
   */
  async finish(expected: readonly ResultStatus[]): Promise<void> {
    this.settings.releaseHeldCalls();
    this.#releaseReferences();
    for (const module of this.stack.modules) await withinLimit(module.close(), `close() of ${module.name}`);
    await withinLimit(this.manager.whenIdle(), 'manager.whenIdle()');
    for (const module of this.stack.modules) module.destroy();

    expect(this.operations.length, 'operations started').to.equal(expected.length);
    const written: string[] = [];
    this.operations.forEach((operation, index) => {
      sinon.assert.calledOnce(operation.callback);
      const result = operation.callback.firstCall.args[0];
      expect(result.status, `${operation.name}: ${String(result.error)}`).to.equal(expected[index]);
      if (result.status === 'ok') {
        expect(result.value).to.deep.equal({ bytes: operation.data.length });
        if (!operation.wasScripted()) written.push(operation.name);
      }
      if (result.status === 'canceled') {
        // the reason passes through every layer unchanged
        if (this.#isCancelAll) expect(isCanceledError(result.error), String(result.error)).to.equal(true);
        else expect(result.error).to.equal(this.cancelReason);
      }
    });
    expect(this.#listFiles(), 'files left in the directory').to.deep.equal(written.sort());
    for (const operation of this.operations) {
      if (!written.includes(operation.name)) continue;
      expect(this.#readFile(operation.name)?.toString(), operation.name).to.equal(operation.data.toString());
    }
    if (this.engine !== undefined) {
      expect(this.engine.openDescriptorCount, 'descriptors left open').to.equal(0);
      expect(this.engine.violations).to.deep.equal([]);
      expect(this.engine.pendingCalls.map((call) => call.label)).to.deep.equal([]);
    }
  }

  /** Whatever happened: releases references, lets held calls finish, closes, removes the temporary directory. */
  async dispose(): Promise<void> {
    if (this.#isDisposed) return;
    this.#isDisposed = true;
    try {
      this.settings.releaseHeldCalls();
      this.#releaseReferences();
      for (const module of this.stack.modules) {
        if (module.state === 'open' || module.state === 'closing') await withinLimit(module.close(), module.name);
      }
      await withinLimit(this.manager.whenIdle(), 'manager.whenIdle()');
    } finally {
      if (this.engineKind === 'real files') rmSync(this.directory, { recursive: true, force: true });
    }
  }

  #releaseReferences(): void {
    for (const operation of this.operations) if (!operation.op.isReleased) operation.op.release();
  }

  #listFiles(): string[] {
    return this.engine !== undefined ? this.engine.listDirectory(this.directory) : readdirSync(this.directory).sort();
  }

  #readFile(name: string): Buffer | undefined {
    const file = path.join(this.directory, name);
    return this.engine !== undefined ? this.engine.readFile(file) : readFileSync(file);
  }
}

function dataFor(index: number): Buffer {
  // 40 bytes: three writes of CHUNK_SIZE
  return Buffer.from(`conformance operation ${index} `.padEnd(40, '.'));
}

/** Resolves as `promise` does, or rejects after WAIT_LIMIT_MS naming what never came. */
function withinLimit<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not come within ${WAIT_LIMIT_MS} ms`)), WAIT_LIMIT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
