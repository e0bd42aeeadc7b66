import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { after, before, describe, it } from 'mocha';
import {
  AsyncFileManager,
  IoUringEngine,
  PromiseFileHandle,
  PromiseFileManager,
  ScriptedEngine,
  selectEngine,
  type FileEngine,
} from '../../src/index.js';
import { expectArgumentError } from '../support/argument-error.js';
import { disposeEngine, enginesUnderTest } from '../support/engines-under-test.js';
import { call } from '../support/engine-call.js';
import { rejectionOf } from '../support/step.js';

const noop = (): void => undefined;

/** One bad call: the engine method, the arguments, and the error it must throw at once. */
interface BadCall {
  readonly title: string;
  readonly call: (engine: FileEngine) => unknown;
  readonly type: typeof TypeError | typeof RangeError;
  /** The argument the message names (the addon names `length` where the TypeScript checks name `offset + length`). */
  readonly name: string;
  readonly alsoNamed?: string;
  readonly received: string;
}

const BAD_CALLS: readonly BadCall[] = [
  {
    title: 'a path with a NUL byte',
    call: (e) => e.openExisting('/tmp/a\0b', 'read', noop),
    type: TypeError,
    name: 'path',
    received: '`"/tmp/a\\u0000b"` (string)',
  },
  {
    title: 'an unknown mode',
    call: (e) => e.openExisting('/tmp/x', 'append' as never, noop),
    type: TypeError,
    name: 'mode',
    received: '`"append"` (string)',
  },
  {
    title: 'a callback that is not a function (open)',
    call: (e) => e.openExisting('/tmp/x', 'read', 42 as never),
    type: TypeError,
    name: 'callback',
    received: '`42` (number)',
  },
  {
    title: 'a callback that is not a function (createAnonymous)',
    call: (e) => e.createAnonymous('/tmp', 'x' as never),
    type: TypeError,
    name: 'callback',
    received: '`"x"` (string)',
  },
  {
    title: 'a descriptor at 2^32 (would wrap to 0)',
    call: (e) => e.fstat(2 ** 32, noop),
    type: RangeError,
    name: 'fd',
    received: '`4294967296` (number)',
  },
  {
    title: 'a negative descriptor',
    call: (e) => e.close(-1, noop),
    type: RangeError,
    name: 'fd',
    received: '`-1` (number)',
  },
  {
    title: 'a descriptor that is NaN (link)',
    call: (e) => e.link(Number.NaN, '/tmp/x', noop),
    type: RangeError,
    name: 'fd',
    received: '`NaN` (number)',
  },
  {
    title: 'a duplicate with an unknown mode',
    call: (e) => e.duplicate(3, 'rw' as never, noop),
    type: TypeError,
    name: 'mode',
    received: '`"rw"` (string)',
  },
  {
    title: 'a read length past the buffer',
    call: (e) => e.read(3, Buffer.alloc(4), 0, 5, 0, noop),
    type: RangeError,
    name: 'offset + length',
    alsoNamed: 'length',
    received: '`5` (number)',
  },
  {
    title: 'a read length of 2^32 + 4 (would wrap to 4)',
    call: (e) => e.read(3, Buffer.alloc(8), 0, 2 ** 32 + 4, 0, noop),
    type: RangeError,
    name: 'length',
    received: '`4294967300` (number)',
  },
  {
    title: 'a write position past Number.MAX_SAFE_INTEGER',
    call: (e) => e.write(3, Buffer.alloc(4), 0, 4, 2 ** 53, noop),
    type: RangeError,
    name: 'position',
    received: '`9007199254740992` (number)',
  },
  {
    title: 'a write buffer that is a string',
    call: (e) => e.write(3, 'abc' as never, 0, 3, 0, noop),
    type: TypeError,
    name: 'buffer',
    received: '`"abc"` (string)',
  },
  {
    title: 'a read callback that is not a function',
    call: (e) => e.read(3, Buffer.alloc(4), 0, 4, 0, null as never),
    type: TypeError,
    name: 'callback',
    received: '`null`',
  },
  {
    title: 'a truncate length of -1',
    call: (e) => e.truncate(3, -1, noop),
    type: RangeError,
    name: 'length',
    received: '`-1` (number)',
  },
  {
    title: 'a link name with a NUL byte',
    call: (e) => e.link(3, '/tmp/a\0', noop),
    type: TypeError,
    name: 'newPath',
    received: '`"/tmp/a\\u0000"` (string)',
  },
  {
    title: 'a rename target that is not a string',
    call: (e) => e.rename('/tmp/a', {} as never, noop),
    type: TypeError,
    name: 'to',
    received: 'an object',
  },
  {
    title: 'an unlink path that is empty',
    call: (e) => e.unlink('', noop),
    type: TypeError,
    name: 'path',
    received: '`""` (string)',
  },
  {
    title: 'a stat callback that is not a function',
    call: (e) => e.stat('/tmp', undefined as never),
    type: TypeError,
    name: 'callback',
    received: '`undefined`',
  },
  {
    title: 'a writeNewFile length past the buffer',
    call: (e) => e.writeNewFile?.('/tmp/new-file-never-created', Buffer.alloc(2), 0, 3, noop),
    type: RangeError,
    name: 'offset + length',
    alsoNamed: 'length',
    received: '`3` (number)',
  },
];

describe('the engines called directly', () => {
  // as a user of the FileEngine interface would: each engine must check what it is given
  for (const { name: engineName, create, isOnRealFiles } of enginesUnderTest()) {
    describe(engineName, () => {
      let engine: FileEngine;
      before(() => {
        engine = create();
      });
      after(() => disposeEngine(engine));

      if (isOnRealFiles) {
        it('should refuse a bad isCached() argument with a TypeError or RangeError naming it', () => {
          expectArgumentError(() => engine.isCached?.(-1, 0, 1), RangeError, 'fd', '`-1` (number)');
          expectArgumentError(() => engine.isCached?.(0, Number.NaN, 1), RangeError, 'position', '`NaN` (number)');
          expectArgumentError(() => engine.isCached?.(0, 0, '1' as never), TypeError, 'length', '`"1"` (string)');
          expectArgumentError(
            () => engine.isCached?.(0, 0, 2 ** 53),
            RangeError,
            'length',
            '`9007199254740992` (number)',
          );
          expect(engine.isCached?.(2 ** 31 - 1, 0, 1), 'a descriptor never open: the kernel cannot tell').to.equal(
            undefined,
          );
        });

        // -0 passes every integer check, and Node's fs.write and fs.writeSync abort the process on a length of -0
        it('should write 0 bytes for a length, offset or position of -0, at once and later (never a crash)', async () => {
          const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'negative-zero-'));
          const fd = fs.openSync(path.join(directory, 'file'), 'w+');
          try {
            const later = await call<number>((callback) => engine.write(fd, Buffer.alloc(4), -0, -0, -0, callback));
            expect(later).to.deep.equal({ error: null, result: 0 });
            expect(engine.writeNow?.(fd, Buffer.alloc(4), -0, -0, -0, false)).to.equal(0);
            expect(await call<number>((callback) => engine.write(fd, Buffer.from('ab'), -0, 2, -0, callback)))
              .to.have.property('result')
              .that.equals(2);
            expect(fs.readFileSync(path.join(directory, 'file'), 'utf8')).to.equal('ab');
          } finally {
            fs.closeSync(fd);
            fs.rmSync(directory, { recursive: true, force: true });
          }
        });
      }

      for (const bad of BAD_CALLS) {
        it(`should refuse ${bad.title} with a ${bad.type.name} naming \`${bad.name}\``, () => {
          const name = engine instanceof IoUringEngine ? (bad.alsoNamed ?? bad.name) : bad.name;
          expectArgumentError(() => bad.call(engine), bad.type, name, bad.received);
          if (engine instanceof ScriptedEngine) expect(engine.pendingCalls).to.have.length(0);
          if (engine instanceof IoUringEngine) expect(engine.info.live).to.equal(0);
        });
      }
    });
  }
});

describe('IoUringEngine and selectEngine options', () => {
  const BAD_OPTIONS: readonly [string, unknown, typeof TypeError | typeof RangeError, string, string][] = [
    ['null', null, TypeError, 'options', '`null`'],
    ['a number', 5, TypeError, 'options', '`5` (number)'],
    ['entries: Object.create(null)', { entries: Object.create(null) }, TypeError, 'entries', 'an object'],
    ['entries: 0', { entries: 0 }, RangeError, 'entries', '`0` (number)'],
    ['entries: 2^32 + 8', { entries: 2 ** 32 + 8 }, RangeError, 'entries', '`4294967304` (number)'],
    ["submit: 'nonsense'", { submit: 'nonsense' }, TypeError, 'submit', '`"nonsense"` (string)'],
    ['directDescriptors: -1', { directDescriptors: -1 }, RangeError, 'directDescriptors', '`-1` (number)'],
  ];
  for (const [title, options, type, name, received] of BAD_OPTIONS) {
    it(`should refuse ${title} in new IoUringEngine() with a ${type.name}`, () => {
      expectArgumentError(() => new IoUringEngine(options as never), type, name, received);
    });
    it(`should refuse ${title} in selectEngine() for every choice with a ${type.name}`, () => {
      for (const choice of ['auto', 'io_uring', 'node-fs'] as const) {
        expectArgumentError(() => selectEngine(choice, options as never), type, name, received);
      }
    });
  }

  it('should refuse an unknown choice, naming it even when it cannot be turned into a string', () => {
    expectArgumentError(() => selectEngine('fast' as never), TypeError, 'engine', '`"fast"` (string)');
    expectArgumentError(() => selectEngine(Object.create(null) as never), TypeError, 'engine', 'an object');
  });
});

describe('PromiseFileManager and PromiseFileHandle arguments', () => {
  it('should refuse a constructor argument that is not a manager or handle, naming it', () => {
    expectArgumentError(() => new PromiseFileManager(undefined as never), TypeError, 'manager', '`undefined`');
    expectArgumentError(() => new PromiseFileManager({} as never), TypeError, 'manager', 'an object');
    expectArgumentError(() => new PromiseFileHandle(null as never), TypeError, 'handle', '`null`');
    expectArgumentError(
      () => new PromiseFileHandle(new AsyncFileManager() as never),
      TypeError,
      'handle',
      'an instance of AsyncFileManager',
    );
  });

  it('should reject, never throw, for every bad argument: a bad signal as a bad path', async () => {
    const manager = new PromiseFileManager(new AsyncFileManager({ engine: new ScriptedEngine() }));
    const handle = manager.newFileHandle();
    const calls: readonly [string, () => Promise<unknown>][] = [
      ['a bad path', () => manager.stat(42 as never)],
      ['a bad signal', () => manager.stat('/x', { signal: 'abort' as never })],
      ['bad options', () => manager.unlink('/x', null as never)],
      ['a bad signal on a handle', () => handle.openExistingFile('/x', 'read', { signal: 5 as never })],
      ['bad options on a handle', () => handle.read(0, 1, 7 as never)],
      ['a bad mode on a handle', () => handle.openExistingFile('/x', 'append' as never)],
    ];
    for (const [what, call] of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call()), `${what}: no synchronous throw`).not.to.throw();
      expect(await rejectionOf(promise as Promise<unknown>), what).to.be.instanceOf(TypeError);
    }
    handle.abort();
  });
});
