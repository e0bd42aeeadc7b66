import diagnosticsChannel from 'node:diagnostics_channel';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { AsyncOp, AsyncOpChannels, type AsyncOpEvent } from '../src/index.js';

/** Records every lifecycle event while `body` runs, as "channel:label". */
function recordEvents(body: () => void): { name: string; event: AsyncOpEvent }[] {
  const seen: { name: string; event: AsyncOpEvent }[] = [];
  const handlers = Object.entries(AsyncOpChannels).map(([name, channel]) => {
    const handler = (message: unknown): void => {
      seen.push({ name, event: message as AsyncOpEvent });
    };
    diagnosticsChannel.subscribe(channel, handler);
    return [channel, handler] as const;
  });
  try {
    body();
  } finally {
    for (const [channel, handler] of handlers) diagnosticsChannel.unsubscribe(channel, handler);
  }
  return seen;
}

describe('AsyncOp lifecycle channels', () => {
  it('should publish create, cancel-requested, canceled and released, with one id and the payload documented', () => {
    const events = recordEvents(() => {
      const parent = AsyncOp.create({ context: null, label: 'parent' });
      const op = AsyncOp.create({ context: null, label: 'child' });
      op.follow(parent);
      parent.cancel('why');
      op.complete();
      op.release();
      parent.release();
    });
    expect(events.map(({ name, event }) => `${name}:${event.label ?? ''}`)).to.deep.equal([
      'create:parent',
      'create:child',
      'cancelRequested:parent',
      'cancelRequested:child',
      'canceled:child',
      'released:child',
      'released:parent',
    ]);
    const child = events.filter(({ event }) => event.label === 'child');
    expect(new Set(child.map(({ event }) => event.id)).size).to.equal(1);
    const parentId = events[0]?.event.id;
    const canceled = child.find(({ name }) => name === 'canceled')?.event;
    expect(canceled).to.include({ isCanceled: true, state: 'completed', cancelKind: 'parent', parentId });
    expect((canceled?.reason as Error).cause).to.equal('why');
  });

  it('should publish completed for an op completed without cancel, and nothing once unsubscribed', () => {
    const events = recordEvents(() => {
      const op = AsyncOp.create({ context: null });
      op.complete();
      op.release();
    });
    expect(events.map(({ name }) => name)).to.deep.equal(['create', 'completed', 'released']);
    const silent = AsyncOp.create({ context: 'quiet' });
    silent.release();
    expect(events).to.have.length(3);
  });
});

describe('AsyncOp lifecycle channels with two installed copies of the package', () => {
  it('should publish from both copies, whichever loaded last', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { fileURLToPath, pathToFileURL } = await import('node:url');
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'async-op-copy-'));
    fs.cpSync(fileURLToPath(new URL('../src/', import.meta.url)), target, { recursive: true });
    const copy = (await import(pathToFileURL(path.join(target, 'index.js')).href)) as { AsyncOp: typeof AsyncOp };
    fs.rmSync(target, { recursive: true, force: true });
    const events = recordEvents(() => {
      AsyncOp.create({ context: null, label: 'this copy' }).release();
      copy.AsyncOp.create({ context: null, label: 'other copy' }).release();
    });
    expect(events.filter(({ name }) => name === 'create').map(({ event }) => event.label)).to.deep.equal([
      'this copy',
      'other copy',
    ]);
  });
});
