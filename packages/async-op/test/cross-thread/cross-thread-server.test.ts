import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import {
  CancelSlotTable,
  CrossThreadChannel,
  CrossThreadServer,
  type CrossThreadEndpoint,
  type CrossThreadHandler,
} from '../../src/index.js';

/** A channel and a server on the two ends of a MessageChannel, both on this thread. */
interface Pair {
  readonly channel: CrossThreadChannel;
  readonly server: CrossThreadServer;
  readonly ports: { readonly port1: MessagePort; readonly port2: MessagePort };
  readonly table: CancelSlotTable;
}

function run(
  pair: Pair,
  request: unknown,
): { op: ReturnType<CrossThreadChannel['start']>; result: Promise<unknown[]> } {
  let resolve: (args: unknown[]) => void = () => undefined;
  const result = new Promise<unknown[]>((settle) => (resolve = settle));
  const op = pair.channel.start(request, (...args: unknown[]) => resolve(args));
  return { op, result };
}

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

describe('CrossThreadServer (both ends on this thread)', () => {
  let pairs: Pair[] = [];

  function serve(handler: CrossThreadHandler): Pair {
    const ports = new MessageChannel();
    const table = new CancelSlotTable({ capacity: 4 });
    const channel = new CrossThreadChannel({ endpoint: ports.port1 as unknown as CrossThreadEndpoint, table });
    const server = CrossThreadServer.serve(ports.port2, handler);
    const pair = { channel, server, ports, table };
    pairs.push(pair);
    return pair;
  }

  beforeEach(() => {
    pairs = [];
  });

  afterEach(() => {
    for (const { ports, server, table } of pairs) {
      expect(server.pendingCount).to.equal(0);
      expect(table.inUseCount).to.equal(0);
      ports.port1.close();
    }
  });

  it('should throw a TypeError naming the value for a bad port, handler or options', () => {
    const { port2 } = new MessageChannel();
    expect(() => CrossThreadServer.serve({} as never, () => 1)).to.throw(TypeError, 'got an object');
    expect(() => CrossThreadServer.serve(port2, 'h' as never)).to.throw(TypeError, 'got `"h"` (string)');
    expect(() => CrossThreadServer.serve(port2, () => 1, { watch: 'yes' as never })).to.throw(TypeError, '`"yes"`');
    expect(() => CrossThreadServer.serve(port2, () => 1, 0 as never)).to.throw(TypeError, 'got `0` (number)');
    port2.close();
  });

  it('should answer a sync value, a thenable, a sync throw and a rejection, each once', async () => {
    const pair = serve((request) => {
      switch (request) {
        case 'sync':
          return 'value';
        case 'thenable':
          return { then: (resolve: (value: string) => void) => resolve('later') };
        case 'throw':
          throw Object.assign(new TypeError('bad'), { code: 'E_BAD' });
        default:
          return Promise.reject(new Error('rejected'));
      }
    });
    const results = await Promise.all(
      ['sync', 'thenable', 'throw', 'reject']
        .map((r) => run(pair, r))
        .map(async ({ op, result }) => {
          op.release();
          return result;
        }),
    );
    expect(results[0]).to.deep.equal([null, 'value']);
    expect(results[1]).to.deep.equal([null, 'later']);
    expect(results[2]?.[0]).to.be.instanceOf(Error).and.include({ name: 'TypeError', message: 'bad', code: 'E_BAD' });
    expect(results[3]?.[0]).to.have.property('message', 'rejected');
  });

  it('should report canceled (the reason unchanged on the caller side) for a cancellation error after a cancel', async () => {
    const pair = serve(
      (_request, follower) =>
        new Promise((_resolve, reject) => {
          // an API given `follower.op.signal` rejects with an AbortError once it aborts
          follower.op.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const { op, result } = run(pair, 'x');
    await tick();
    const reason = { why: 'user' };
    op.cancel(reason);
    op.release();
    expect((await result)[0]).to.equal(reason);
  });

  it('should report an error, not canceled, for an unrelated error thrown after a cancel', async () => {
    const pair = serve(
      (_request, follower) =>
        new Promise((_resolve, reject) => follower.op.onCancel(() => reject(new Error('cleanup failed')))),
    );
    const { op, result } = run(pair, 'x');
    await tick();
    op.cancel('stop');
    op.release();
    expect((await result)[0]).to.have.property('message', 'cleanup failed');
  });

  it('should leave other traffic alone, ignore calls it cannot answer, and answer a bad descriptor with an error', async () => {
    const pair = serve(() => 'never');
    const seen: unknown[] = [];
    pair.ports.port1.on('message', (message) => seen.push(message));
    pair.ports.port1.postMessage({ hello: 1 });
    pair.ports.port2.postMessage({ hello: 2 });
    for (const id of ['1', -0.5, Number.NaN, null])
      pair.ports.port1.postMessage({ asyncOpCall: id, cancel: {}, request: 1 });
    pair.ports.port1.postMessage({ asyncOpCall: 9, cancel: { buffer: 1 }, request: 1 });
    await tick();
    expect(seen[0]).to.deep.equal({ hello: 2 });
    expect(seen).to.have.length(2);
    expect(seen[1]).to.deep.include({ asyncOpResult: 9, status: 'error' });
    expect((seen[1] as { error: { message: string } }).error.message).to.contain(
      'Expected `descriptor.buffer` to be a SharedArrayBuffer, got `1` (number)',
    );
  });

  it('should stop receiving after close(), while a call in flight still reports', async () => {
    let finish: (value: string) => void = () => undefined;
    const pair = serve(() => new Promise((resolve) => (finish = resolve)));
    const { op, result } = run(pair, 'first');
    op.release();
    await tick();
    expect(pair.server.pendingCount).to.equal(1);
    pair.server.close();
    pair.server.close();
    const answers: unknown[] = [];
    pair.ports.port1.on('message', (message) => answers.push(message));
    pair.ports.port1.postMessage({ asyncOpCall: 99, cancel: {}, request: 'second' });
    finish('done');
    expect(await result).to.deep.equal([null, 'done']);
    await tick();
    expect(answers.filter((answer) => (answer as { asyncOpResult: number }).asyncOpResult === 99)).to.deep.equal([]);
  });
});
