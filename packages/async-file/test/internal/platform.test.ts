import fs from 'node:fs';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { AsyncFileManager, NodeFsEngine, PromiseFileManager, type PromiseFileHandle } from '../../src/index.js';
import { currentPlatform, simulatePlatform } from '../../src/internal/platform.js';
import { rejectionOf } from '../support/step.js';
import { useTempDir } from '../support/temp-dir.js';

// The node-fs engine names and duplicates open files through Linux's /proc. These tests simulate other platforms on
// Linux (the platform check is read at each call) and check that what cannot work there is refused with ENOTSUP,
// through the public API, on real files.
describe('platform support (node-fs engine)', () => {
  const tmp = useTempDir();
  let manager: AsyncFileManager;
  let files: PromiseFileManager;
  let restore: (() => void) | undefined;

  beforeEach(() => {
    manager = new AsyncFileManager({ engine: new NodeFsEngine() });
    files = new PromiseFileManager(manager);
  });

  afterEach(async () => {
    restore?.();
    restore = undefined;
    await manager.close();
  });

  async function openFixture(): Promise<PromiseFileHandle> {
    fs.writeFileSync(tmp.join('source.txt'), 'platform');
    const file = files.newFileHandle();
    await file.openExistingFile(tmp.join('source.txt'), 'read');
    return file;
  }

  it('should report the simulated platform until restored, then the real one', () => {
    const undo = simulatePlatform('win32');
    const nested = simulatePlatform('darwin');
    expect(currentPlatform()).to.equal('darwin');
    nested();
    expect(currentPlatform()).to.equal('win32');
    undo();
    expect(currentPlatform()).to.equal(process.platform);
  });

  it('should make a hard link of an open file on Linux (the call the other platforms lack)', async function () {
    if (process.platform !== 'linux') this.skip(); // the control case needs the real /proc
    const file = await openFixture();
    await file.createHardLink(tmp.join('link.txt'));
    await file.close();
    expect(fs.readFileSync(tmp.join('link.txt'), 'utf8')).to.equal('platform');
  });

  for (const platform of ['darwin', 'win32'] as const) {
    it(`should refuse a hard link on ${platform} with ENOTSUP naming /proc, and create nothing`, async () => {
      const file = await openFixture();
      restore = simulatePlatform(platform);
      const error = (await rejectionOf(file.createHardLink(tmp.join('link.txt')))) as NodeJS.ErrnoException;
      expect(error.code).to.equal('ENOTSUP');
      expect(error.syscall).to.equal('link');
      expect(error.path).to.equal(tmp.join('link.txt'));
      expect(error.message).to.contain('/proc').and.contain(`platform ${platform}`);
      await file.close();
      expect(fs.readdirSync(tmp.path)).to.deep.equal(['source.txt']);
    });
  }

  it('should duplicate through /dev/fd on darwin', async () => {
    const file = await openFixture();
    restore = simulatePlatform('darwin');
    const copy = await file.duplicate();
    expect((await copy.read(0, 100)).toString()).to.equal('platform');
    await copy.close();
    await file.close();
  });

  it('should refuse a duplicate on win32 with ENOTSUP, and leave no descriptor open', async () => {
    const file = await openFixture();
    restore = simulatePlatform('win32');
    const error = (await rejectionOf(file.duplicate())) as NodeJS.ErrnoException;
    expect(error.code).to.equal('ENOTSUP');
    expect(error.message).to.contain('/proc or /dev/fd').and.contain('platform win32');
    await file.close();
  });
});
