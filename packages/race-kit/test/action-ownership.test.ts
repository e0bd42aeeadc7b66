import type { FileTraceEvent, ScriptedCall } from 'async-op-file';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { ActionOwnership, ownerFromPath } from '../src/index.js';

/** The trace events of action `id` (`action`, on handle `handleId`, or a manager-level action). */
function eventsOf(id: number, action: string, handleId?: number): (type: FileTraceEvent['type']) => FileTraceEvent {
  return (type) => ({
    time: 0,
    type,
    managerId: 1,
    actionId: id,
    action,
    handleId,
    engine: 'scripted',
    slot: 0,
    requestedBytes: undefined,
    transferredBytes: undefined,
    error: undefined,
    outcome: undefined,
  });
}

/** Feeds `ownership` the enqueued and started events of action `id` on handle `handleId`, then its engine call. */
function runAction(ownership: ActionOwnership, id: number, action: string, handleId: number, path?: string): void {
  const event = eventsOf(id, action, handleId);
  ownership.listener(event('enqueued'));
  ownership.listener(event('started'));
  ownership.issued({ path, label: `#${id} ${action}` } as ScriptedCall);
}

const SYNC_FILE = '/d/op1/.file.tmp';

function newOwnership(): ActionOwnership {
  return new ActionOwnership(ownerFromPath('/d'));
}

// the replayed failure: op1's sync-file step was started (openExisting enqueued), and a held callback reaped inside
// that start() canceled op1; a slot freed meanwhile ran the open, whose callback chained the sync, all before the
// start() returned and the chain could pass the cancel on
describe('ActionOwnership', () => {
  it('should count a cancel that comes inside an LL start() of the op from when that start() returns', () => {
    const ownership = newOwnership();
    ownership.lowerStart(1, () => {
      runAction(ownership, 1, 'openExistingFile', 6, SYNC_FILE);
      ownership.canceled(1);
      runAction(ownership, 2, 'sync', 6);
    });
    expect(ownership.check()).to.deep.equal([]);
  });

  it('should still see an action the LL enqueues after that start() returned', () => {
    const ownership = newOwnership();
    ownership.lowerStart(1, () => {
      runAction(ownership, 1, 'openExistingFile', 6, SYNC_FILE);
      ownership.canceled(1);
    });
    // the module above did not pass the cancel on (the chain-no-recheck-after-start pitfall): the job goes on
    runAction(ownership, 2, 'sync', 6);
    expect(ownership.check()).to.deep.equal([
      'op1: sync (#2 sync) was started after the op was canceled or called back',
    ]);
  });

  it('should see an action enqueued before the cancel that starts after it (not withdrawn from the queue)', () => {
    const ownership = newOwnership();
    const event = eventsOf(1, 'rename');
    // the slot is busy: the rename waits in the queue when its op is canceled, and starts later all the same
    ownership.listener(event('enqueued'));
    ownership.canceled(1);
    ownership.listener(event('started'));
    ownership.issued({ path: '/d/op1/a', label: '#1 rename' } as ScriptedCall);
    expect(ownership.check()).to.deep.equal([
      'op1: rename (#1 rename) was started after the op was canceled or called back, though enqueued before (a queued action must be withdrawn)',
    ]);
  });

  it('should count a cancel at once outside the op’s LL start(), even inside another op’s', () => {
    const ownership = newOwnership();
    runAction(ownership, 1, 'openExistingFile', 6, SYNC_FILE);
    ownership.lowerStart(2, () => {
      ownership.canceled(1);
      runAction(ownership, 2, 'sync', 6);
    });
    expect(ownership.check()).to.have.length(1);
  });

  it('should count a callback at once, even inside the op’s LL start()', () => {
    const ownership = newOwnership();
    ownership.lowerStart(1, () => {
      runAction(ownership, 1, 'openExistingFile', 6, SYNC_FILE);
      ownership.ended(1);
      runAction(ownership, 2, 'sync', 6);
    });
    expect(ownership.check()).to.have.length(1);
  });

  it('should see an action that calls back after its cancel (rule 5: never, once cancel returned)', () => {
    const ownership = newOwnership();
    const event = eventsOf(7, 'read', 3);
    for (const type of ['enqueued', 'started', 'canceled', 'finished', 'callback'] as const)
      ownership.listener(event(type));
    expect(ownership.check()).to.deep.equal(['action #7 read called back after it was canceled']);
  });

  it('should leave a canceled action alone that only finishes (no callback)', () => {
    const ownership = newOwnership();
    const event = eventsOf(7, 'read', 3);
    for (const type of ['enqueued', 'started', 'canceled', 'finished'] as const) ownership.listener(event(type));
    expect(ownership.check()).to.deep.equal([]);
  });
});
