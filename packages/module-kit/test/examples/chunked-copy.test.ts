import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AsyncOp } from 'async-op';
import { AsyncFileManager, type FileTraceEvent } from 'async-op-file';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { startChunkedCopy } from '../../examples/chunked-copy.js';
import type { Result } from '../../src/index.js';

const CHUNK = 64 * 1024;
/** Not a multiple of the chunk: the last read is short, the one after it empty. */
const SIZE = 5 * CHUNK + 12_345;
const DEFAULT_ENGINE = process.env['ASYNC_FILE_ENGINE'] ?? 'node-fs';

/** Runs one copy; `onTrace` sees every action event and may cancel through `cancel`. */
function copy(
  directory: string,
  from: string,
  to: string,
  onTrace: (event: FileTraceEvent, cancel: (reason: unknown) => boolean) => void = () => undefined,
): Promise<{ result: Result<number>; canceledAt: string[] }> {
  const canceledAt: string[] = [];
  let op: AsyncOp<unknown> | undefined;
  const cancel = (reason: unknown): boolean => {
    const won = op?.cancel(reason) ?? false;
    canceledAt.push(won ? 'won' : 'lost');
    return won;
  };
  const manager = new AsyncFileManager({ trace: (event) => onTrace(event, cancel) });
  return new Promise<Result<number>>((resolve) => {
    op = startChunkedCopy(manager, { from: path.join(directory, from), to: path.join(directory, to) }, resolve);
  }).then(async (result) => {
    op?.release();
    await manager.close();
    return { result, canceledAt };
  });
}

describe('examples/chunked-copy.ts: startChunkedCopy() on real files (' + DEFAULT_ENGINE + ')', () => {
  let directory: string;
  let data: Buffer;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'chunked-copy-'));
    data = Buffer.alloc(SIZE);
    for (let index = 0; index < SIZE; index++) data[index] = (index * 31 + 7) & 0xff;
    fs.writeFileSync(path.join(directory, 'source.bin'), data);
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('should copy every byte to the new name and leave no other file', async () => {
    const { result } = await copy(directory, 'source.bin', 'copy.bin');
    expect(result).to.deep.equal({ status: 'ok', value: SIZE });
    expect(fs.readFileSync(path.join(directory, 'copy.bin')).equals(data)).to.equal(true);
    expect(fs.readdirSync(directory).sort()).to.deep.equal(['copy.bin', 'source.bin']);
  });

  it('should copy an empty file', async () => {
    fs.writeFileSync(path.join(directory, 'empty.bin'), '');
    const { result } = await copy(directory, 'empty.bin', 'copy.bin');
    expect(result).to.deep.equal({ status: 'ok', value: 0 });
    expect(fs.statSync(path.join(directory, 'copy.bin')).size).to.equal(0);
  });

  it('should report canceled and leave no file when canceled between chunks, starting nothing after the cancel', async () => {
    let writes = 0;
    let isCanceled = false;
    const after: string[] = [];
    const { result, canceledAt } = await copy(directory, 'source.bin', 'copy.bin', (event, cancel) => {
      if (isCanceled && event.type === 'enqueued') after.push(event.action);
      if (event.type === 'callback' && event.action === 'write' && ++writes === 2) isCanceled = cancel('stop');
    });
    expect(canceledAt).to.deep.equal(['won']);
    expect(result).to.deep.equal({ status: 'canceled', error: 'stop' });
    expect(
      after.every((action) => action === 'close'),
      `enqueued after the cancel: ${after.join(', ')}`,
    ).to.equal(true);
    expect(fs.readdirSync(directory)).to.deep.equal(['source.bin']);
  });

  it('should undo the link and report canceled when canceled while the link executes', async () => {
    const { result, canceledAt } = await copy(directory, 'source.bin', 'copy.bin', (event, cancel) => {
      // from a microtask: the link's start (the enqueue) has returned, and its engine call is in flight
      if (event.type === 'started' && event.action === 'createHardLink') queueMicrotask(() => cancel('stop'));
    });
    expect(canceledAt).to.deep.equal(['won']);
    expect(result).to.deep.equal({ status: 'canceled', error: 'stop' });
    expect(fs.readdirSync(directory)).to.deep.equal(['source.bin']);
  });

  it('should report ok, not canceled, when the cancel comes after the link was made (the destination exists)', async () => {
    const { result, canceledAt } = await copy(directory, 'source.bin', 'copy.bin', (event, cancel) => {
      // the link's callback is about to run: the name exists, and the operation has not called back yet
      if (event.type === 'callback' && event.action === 'createHardLink') cancel('too late');
    });
    expect(canceledAt).to.deep.equal(['won']);
    expect(result).to.deep.equal({ status: 'ok', value: SIZE });
    expect(fs.readFileSync(path.join(directory, 'copy.bin')).equals(data)).to.equal(true);
  });

  it('should report canceled when canceled as soon as start returned, starting nothing after its first action', async () => {
    const started: string[] = [];
    const { result, canceledAt } = await copy(directory, 'source.bin', 'copy.bin', (event, cancel) => {
      if (event.type === 'started') started.push(event.action);
      if (event.type === 'enqueued' && event.action === 'openExistingFile') queueMicrotask(() => cancel('early'));
    });
    expect(canceledAt).to.deep.equal(['won']);
    expect(result).to.deep.equal({ status: 'canceled', error: 'early' });
    expect(started.filter((action) => action !== 'close')).to.deep.equal(['openExistingFile']);
    expect(fs.readdirSync(directory)).to.deep.equal(['source.bin']);
  });

  it('should fail with EEXIST and leave the existing destination untouched', async () => {
    fs.writeFileSync(path.join(directory, 'copy.bin'), 'keep me');
    const { result } = await copy(directory, 'source.bin', 'copy.bin');
    expect(result.status).to.equal('error');
    expect(result.error).to.have.property('code', 'EEXIST');
    expect(fs.readFileSync(path.join(directory, 'copy.bin'), 'utf8')).to.equal('keep me');
    expect(fs.readdirSync(directory).sort()).to.deep.equal(['copy.bin', 'source.bin']);
  });

  it('should fail with ENOENT for a missing source, creating nothing', async () => {
    const { result } = await copy(directory, 'missing.bin', 'copy.bin');
    expect(result.status).to.equal('error');
    expect(result.error).to.have.property('code', 'ENOENT');
    expect(fs.readdirSync(directory)).to.deep.equal(['source.bin']);
  });
});

describe('examples/chunked-copy.ts: startChunkedCopy() under hostile input', () => {
  it('should throw a TypeError naming the value, call nothing back and start nothing', async () => {
    const manager = new AsyncFileManager();
    const calls: unknown[] = [];
    const hostile: [unknown, string][] = [
      [null, 'Expected `request` to be an object, got `null`'],
      [42, 'Expected `request` to be an object, got `42` (number)'],
      [{ from: '', to: '/tmp/x' }, 'Expected `request.from` to be a non-empty path string'],
      [{ from: '/tmp/a\0b', to: '/tmp/x' }, 'without NUL bytes'],
      [{ from: '/tmp/a', to: 7 }, 'Expected `request.to` to be a non-empty path string without NUL bytes, got `7`'],
      [{ from: '/tmp/a', to: Number.NaN }, 'got `NaN`'],
    ];
    for (const [request, message] of hostile) {
      expect(() => startChunkedCopy(manager, request as never, (result) => calls.push(result))).to.throw(
        TypeError,
        message,
      );
    }
    expect(() => startChunkedCopy(manager, { from: '/a', to: '/b' }, 'no' as never)).to.throw(
      TypeError,
      'Expected `callback` to be a function',
    );
    await manager.close();
    await Promise.resolve();
    expect(calls).to.deep.equal([]);
  });
});

describe('examples/chunked-copy.ts', () => {
  it('should keep the start function within 30 lines (the target of the kit guide)', () => {
    const file = fileURLToPath(new URL('../../../examples/chunked-copy.ts', import.meta.url));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const first = lines.findIndex((line) => line.startsWith('/** Copies'));
    const last = lines.findIndex((line, index) => index > first && line === '}');
    expect(first).to.be.greaterThan(0);
    expect(last - first + 1).to.be.at.most(30);
  });
});
