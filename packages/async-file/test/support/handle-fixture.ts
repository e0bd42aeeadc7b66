import fs from 'node:fs';
import { afterEach, beforeEach } from 'mocha';
import sinon from 'sinon';
import { AsyncFileManager, type AsyncFileHandle, type OpenMode } from '../../src/index.js';
import { step } from './step.js';
import { useTempDir, type TempDir } from './temp-dir.js';

/** The bytes {@link HandleFixture.fixture} writes by default. */
export const CONTENT = Buffer.from('hello, async file');

/** What the AsyncFileHandle suites share: a manager per test, its temporary directory, and steps on handles. */
export interface HandleFixture {
  /** A new AsyncFileManager per test (a test may replace it); the steps below use the current one. */
  manager: AsyncFileManager;
  readonly tmp: TempDir;
  /** Writes `content` to a new named file of the test's directory and returns its path. */
  fixture(name: string, content?: Uint8Array): string;
  /** A new handle of the manager with `filePath` open. */
  open(filePath: string, mode: OpenMode): Promise<AsyncFileHandle>;
  /** A new handle of the manager with an unnamed file of the test's directory open. */
  createAnonymous(): Promise<AsyncFileHandle>;
  /** Closes each handle in turn, then waits for the manager to be idle. */
  close(...handles: AsyncFileHandle[]): Promise<void>;
}

/** Registers, in the calling describe block, the hooks of a {@link HandleFixture} and returns it. */
export function useHandleFixture(): HandleFixture {
  const tmp = useTempDir();
  const files: HandleFixture = {
    manager: undefined as unknown as AsyncFileManager,
    tmp,
    fixture(name, content = CONTENT) {
      const filePath = tmp.join(name);
      fs.writeFileSync(filePath, content);
      return filePath;
    },
    async open(filePath, mode) {
      const handle = files.manager.newFileHandle();
      await step<void>((callback) => handle.openExistingFile(filePath, mode, callback));
      return handle;
    },
    async createAnonymous() {
      const handle = files.manager.newFileHandle();
      await step<void>((callback) => handle.createAnonymousFile(tmp.path, callback));
      return handle;
    },
    async close(...handles) {
      for (const handle of handles) await step<void>((callback) => handle.close(callback));
      await files.manager.whenIdle();
    },
  };
  beforeEach(() => {
    files.manager = new AsyncFileManager();
  });
  afterEach(() => {
    sinon.restore();
  });
  return files;
}
