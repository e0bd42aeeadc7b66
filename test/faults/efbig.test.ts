import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { faultEngines, runFaultScript } from './support/fault-child.js';

/** The file size limit of the child (prlimit --fsize), in bytes: every write past it fails with EFBIG. */
const LIMIT = 65_536;

/** EFBIG: a child process under RLIMIT_FSIZE (SIGXFSZ handled, so the write fails instead of killing it). */
const SCRIPT = `
const { DIR, ENGINE } = process.env;
const big = Buffer.alloc(${LIMIT} + 40_000, 7);
const manager = new file.AsyncFileManager({ engine: ENGINE });
const real = new samples.RealCancelFileModule({ manager });
const fake = new samples.FakeCancelFileModule({ manager });
real.open();
fake.open();
const chain = new samples.AtomicSaveModule({ lower: real });
const retries = new samples.RetryModule({ lower: real, baseDelayMs: 1 });
chain.open();
retries.open();
fs.writeFileSync(DIR + '/grown', '');
const handle = manager.newFileHandle();
await outcome((cb) => handle.openExistingFile(DIR + '/grown', 'write', cb));
const result = {
  write: await outcome((cb) => handle.write(big, 0, cb)),
  truncate: await outcome((cb) => handle.truncate(${LIMIT} * 4, cb)),
  writeNewFile: await outcome((cb) => manager.writeNewFile(DIR + '/new', big, cb)),
  realWrite: await job(real, { kind: 'write-file', path: DIR + '/real', data: big, chunkSize: 16_384 }),
  fakeWrite: await job(fake, { kind: 'write-file', path: DIR + '/fake', data: big }),
  save: await job(chain, { path: DIR + '/target', data: big }),
  retried: await job(retries, { kind: 'write-file', path: DIR + '/retried', data: big }),
};
await outcome((cb) => handle.close(cb));
await Promise.all([chain.close(), retries.close()]);
await Promise.all([real.close(), fake.close()]);
await manager.close();
result.grownSize = fs.statSync(DIR + '/grown').size;
result.target = fs.readFileSync(DIR + '/target', 'utf8');
result.entries = fs.readdirSync(DIR).sort();
result.leftOpen = leftOpen(DIR).length;
result.refsLeft = refsLeft();
report(result);
`;

describe('faults: EFBIG (file size limit, child process under prlimit --fsize)', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fault-efbig-')));
    fs.writeFileSync(path.join(dir, 'target'), 'old content');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const engine of faultEngines()) {
    it(`should report EFBIG (not retryable, nothing left behind) on every path of a write (${engine})`, async () => {
      const { code, stderr, result } = await runFaultScript(SCRIPT, { fsize: LIMIT }, { DIR: dir, ENGINE: engine });
      expect([code, stderr]).to.deep.equal([0, '']);
      expect(result).to.deep.equal({
        // the first chunk filled the file up to the limit; the write of the rest failed
        write: { error: 'EFBIG' },
        truncate: { error: 'EFBIG' },
        writeNewFile: { error: 'EFBIG' },
        realWrite: { status: 'error', code: 'EFBIG' },
        fakeWrite: { status: 'error', code: 'EFBIG' },
        save: { status: 'error', code: 'EFBIG' },
        retried: { status: 'error', code: 'EFBIG' },
        grownSize: LIMIT,
        target: 'old content',
        entries: ['grown', 'target'],
        leftOpen: 0,
        refsLeft: 0,
      });
    });
  }
});
