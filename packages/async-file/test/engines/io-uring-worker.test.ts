import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { ioUringUnavailableReason } from '../support/io-uring-availability.js';
import { useTempDir } from '../support/temp-dir.js';

const SCRIPT = fileURLToPath(new URL('../support/uring-terminated-worker.js', import.meta.url));
const ROUNDS = 5;

const reason = ioUringUnavailableReason();

describe('IoUringEngine in a worker thread', () => {
  const dir = useTempDir();

  // without io_uring there is no ring to tear down: the engine refuses to start, which io-uring-engine.test.ts covers
  if (reason !== undefined) return;

  it('should let the worker be terminated while its ring is open with reads in flight, without crashing', () => {
    // in a child process: a crash there (a libuv handle closed after the addon was unloaded) fails this test
    const child = spawnSync(process.execPath, [SCRIPT, dir.path, String(ROUNDS)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const report = `status ${child.status}, signal ${child.signal}; stderr: ${child.stderr}`;
    expect(child.signal, report).to.equal(null);
    expect(child.status, report).to.equal(0);
    expect(child.stdout.trim()).to.equal(`survived ${ROUNDS}`);
  });
});
