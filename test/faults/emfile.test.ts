import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { faultEngines, runFaultScript } from './support/fault-child.js';

/**
 * EMFILE: a child process whose descriptor limit (prlimit --nofile) is used up by files it holds, so that every open
 * fails; then it gives some back, so that a retry can succeed.
 */
const SCRIPT = `
const { DIR, ENGINE } = process.env;
const target = DIR + '/data';
const manager = new file.AsyncFileManager({ engine: ENGINE, concurrency: 2 });
const real = new samples.RealCancelFileModule({ manager });
const fake = new samples.FakeCancelFileModule({ manager });
real.open();
fake.open();
const retries = new samples.RetryModule({ lower: real, maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 20 });
retries.open();
const holder = manager.newFileHandle();
await outcome((cb) => holder.openExistingFile(target, 'read', cb));
// use up every descriptor left
const eaten = [];
for (;;) {
  try { eaten.push(fs.openSync('/dev/null', 'r')); } catch (error) { if (error.code === 'EMFILE') break; throw error; }
}
const handle = manager.newFileHandle();
const result = {
  open: await outcome((cb) => handle.openExistingFile(target, 'read', cb)),
  anonymous: await outcome((cb) => handle.createAnonymousFile(DIR, cb)),
  duplicate: await outcome((cb) => holder.duplicate(cb)),
  writeNewFile: await outcome((cb) => manager.writeNewFile(DIR + '/new', Buffer.from('x'), cb)),
  realRead: await job(real, { kind: 'read-file', path: target }),
  fakeRead: await job(fake, { kind: 'read-file', path: target }),
  realWrite: await job(real, { kind: 'write-file', path: DIR + '/written', data: Buffer.from('w') }),
};
result.handleStillUsable = !handle.hasPendingAction && !handle.isOpen;
// a retry succeeds once descriptors come back
setTimeout(() => { for (const fd of eaten.splice(0, 8)) fs.closeSync(fd); }, 40);
result.retried = await job(retries, { kind: 'read-file', path: target });
for (const fd of eaten) fs.closeSync(fd);
holder.abort();
handle.abort();
await Promise.all([real.close(), fake.close(), retries.close()]);
await manager.close();
result.entries = fs.readdirSync(DIR).sort();
result.leftOpen = leftOpen(DIR).length;
result.refsLeft = refsLeft();
report(result);
`;

describe('faults: EMFILE (no descriptor left, child process under prlimit --nofile)', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fault-emfile-')));
    fs.writeFileSync(path.join(dir, 'data'), 'some data');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const engine of faultEngines()) {
    it(`should report EMFILE clearly, as retryable, and retry it to success (${engine})`, async () => {
      const { code, stderr, result } = await runFaultScript(SCRIPT, { nofile: 200 }, { DIR: dir, ENGINE: engine });
      expect([code, stderr]).to.deep.equal([0, '']);
      // io_uring's writeNewFile opens into the ring's table of direct descriptors, which takes none of the process's
      const isDirect = engine === 'io_uring';
      expect(result).to.deep.include({
        open: { error: 'EMFILE' },
        anonymous: { error: 'EMFILE' },
        duplicate: { error: 'EMFILE' },
        writeNewFile: isDirect ? { error: null, result: 1 } : { error: 'EMFILE' },
        realRead: { status: 'error-can-retry', code: 'EMFILE' },
        fakeRead: { status: 'error-can-retry', code: 'EMFILE' },
        realWrite: { status: 'error-can-retry', code: 'EMFILE' },
        handleStillUsable: true,
        retried: { status: 'ok', code: null, bytes: 9 },
        entries: isDirect ? ['data', 'new'] : ['data'],
        leftOpen: 0,
        refsLeft: 0,
      });
    });
  }
});
