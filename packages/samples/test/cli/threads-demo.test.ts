import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { runThreads } from '../../src/cli/threads-demo.js';

describe('async-op-demo threads', () => {
  it('should cancel the busy task by the check, the idle one by the doorbell, the queued one at once, and keep both threads', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'threads-demo-'));
    try {
      const run = await runThreads(path.join(root, 'threads'));
      expect(run.results).to.deep.equal([
        { label: 'busy', status: 'canceled' },
        { label: 'idle', status: 'canceled' },
        { label: 'queued', status: 'canceled' },
        { label: 'plain', status: 'ok' },
      ]);
      const events = run.timeline.entries.map((entry) => entry.event);
      expect(events).to.include('task 1 cancel-seen (check)');
      expect(events).to.include('task 2 cancel-seen (doorbell)');
      expect(events.filter((event) => event.startsWith('task 3'))).to.deep.equal([
        'task 3 enqueued',
        'task 3 cancel-requested (queued)',
        'task 3 callback (canceled)',
      ]);
      expect(run.threadsStarted).to.equal(2);
      expect(run.isOk).to.equal(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
