import { expect } from 'chai';
import { describe, it } from 'mocha';
import {
  CanceledError,
  DeadlineExceededError,
  ErrorCode,
  cancelKindOf,
  isCanceledError,
  isDeadlineError,
} from '../src/index.js';
import type * as AsyncOpIndex from '../src/index.js';

describe('CanceledError', () => {
  it('should carry the permanent code and the reason as cause', () => {
    const reason = new Error('user left');
    const error = new CanceledError('save canceled', { cause: reason });
    expect(error.code).to.equal('ERR_CANCELED');
    expect(error.code).to.equal(ErrorCode.CANCELED);
    expect(error.cause).to.equal(reason);
    expect(error.name).to.equal('CanceledError');
    expect(error.message).to.equal('save canceled');
    expect(new CanceledError().message).to.equal('The operation was canceled');
  });

  describe('isCanceledError()', () => {
    it('should accept a CanceledError, any error with code ERR_CANCELED, and an AbortError DOMException', () => {
      expect(isCanceledError(new CanceledError())).to.equal(true);
      expect(isCanceledError(Object.assign(new Error('copy'), { code: 'ERR_CANCELED' }))).to.equal(true);
      const controller = new AbortController();
      controller.abort();
      expect(isCanceledError(controller.signal.reason)).to.equal(true);
    });

    it("should accept Node's own AbortError, what fs and timers reject with on abort", async () => {
      const { setTimeout: sleep } = await import('node:timers/promises');
      const controller = new AbortController();
      const sleeping = sleep(10_000, undefined, { signal: controller.signal });
      controller.abort(new Error('reason'));
      const error = await sleeping.catch((caught: unknown) => caught);
      expect((error as { code?: string }).code).to.equal('ABORT_ERR');
      expect(isCanceledError(error)).to.equal(true);
    });

    it('should reject everything else', () => {
      for (const value of [undefined, null, 'ERR_CANCELED', new Error('x'), { name: 'AbortError' }]) {
        expect(isCanceledError(value), String(value)).to.equal(false);
      }
    });
  });
});

describe('cancel reasons', () => {
  it('should tell the kind of every reason', async () => {
    const { setTimeout: sleep } = await import('node:timers/promises');
    const timedOut = await sleep(1000, undefined, { signal: AbortSignal.timeout(1) }).catch((error: unknown) => error);
    const table: [unknown, string | undefined][] = [
      [undefined, undefined],
      [new CanceledError(), 'explicit'],
      [new CanceledError('closing', { kind: 'shutdown', origin: 'pool' }), 'shutdown'],
      [new DeadlineExceededError('late', { kind: 'deadline' }), 'deadline'],
      [new DOMException('t', 'TimeoutError'), 'deadline'],
      [new DOMException('a', 'AbortError'), 'explicit'],
      [timedOut, 'deadline'],
      ['a string of my own', 'user'],
      [new Error('mine'), 'user'],
    ];
    for (const [reason, kind] of table) expect(cancelKindOf(reason), String(reason)).to.equal(kind);
  });

  it('should tell a deadline from an explicit cancel, through parents and AbortError causes', () => {
    const deadline = new DeadlineExceededError('late', { kind: 'deadline' });
    const child = new CanceledError('child', { kind: 'parent', cause: deadline });
    expect(isDeadlineError(deadline)).to.equal(true);
    expect(isDeadlineError(child)).to.equal(true);
    expect(isDeadlineError(new CanceledError('explicit'))).to.equal(false);
    expect(isDeadlineError(new CanceledError('child', { kind: 'parent', cause: new CanceledError() }))).to.equal(false);
    expect(isDeadlineError(new DOMException('t', 'TimeoutError'))).to.equal(true);
    expect(isDeadlineError({ name: 'TimeoutError' })).to.equal(false);
    const cyclic = new CanceledError('loop', { kind: 'parent' });
    Object.defineProperty(cyclic, 'cause', { value: cyclic });
    expect(isDeadlineError(cyclic)).to.equal(false);
  });

  it('should accept a TimeoutError DOMException and never throw for hostile values', () => {
    expect(isCanceledError(new DOMException('t', 'TimeoutError'))).to.equal(true);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile getter');
        },
      },
    );
    expect(isCanceledError(hostile)).to.equal(false);
    expect(cancelKindOf(hostile)).to.equal('user');
    expect(isDeadlineError(hostile)).to.equal(false);
  });

  it('should refuse a bad kind or origin', () => {
    expect(() => new CanceledError('x', { kind: 'nope' as never })).to.throw(TypeError, 'cancel kind');
    expect(() => new CanceledError('x', { origin: 3 as never })).to.throw(TypeError, 'origin');
  });

  it("should recognise another installed copy's canceled errors by the registered brand", async () => {
    const copy = await loadSecondCopy();
    const foreign = new copy.CanceledError('from the other copy', { kind: 'shutdown' });
    expect(foreign).to.not.be.instanceOf(CanceledError);
    // strip the code: only the registered-symbol brand is left to recognise it by
    Object.defineProperty(foreign, 'code', { value: undefined });
    expect(isCanceledError(foreign)).to.equal(true);
    expect(cancelKindOf(foreign)).to.equal('shutdown');
    expect(copy.isCanceledError(new CanceledError())).to.equal(true);
    const op = copy.AsyncOp.create({ context: null, timeoutMs: 0 });
    op.cancel();
    expect(isCanceledError(op.reason)).to.equal(true);
    op.release();
  });
});

type AsyncOpPackage = typeof AsyncOpIndex;

/** Copies this package's compiled sources to a temporary directory and imports them: a second installed copy. */
async function loadSecondCopy(): Promise<AsyncOpPackage> {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { fileURLToPath, pathToFileURL } = await import('node:url');
  const source = fileURLToPath(new URL('../src/', import.meta.url));
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'async-op-copy-'));
  fs.cpSync(source, target, { recursive: true });
  try {
    return (await import(pathToFileURL(path.join(target, 'index.js')).href)) as AsyncOpPackage;
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
}
