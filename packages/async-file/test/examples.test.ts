import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readStart, readStartWithPromises } from '../examples/read-a-file.js';
import { AsyncFileManager } from '../src/index.js';

describe("the README's example code", () => {
  let directory: string;
  let file: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'async-file-examples-'));
    file = path.join(directory, 'hello.txt');
    fs.writeFileSync(file, 'hello from the README');
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('readStart() should read the file with callbacks and close it', async () => {
    const manager = new AsyncFileManager();
    const text = await new Promise((resolve) => readStart(manager, file, resolve));
    await manager.whenIdle();
    expect(text).to.equal('hello from the README');
  });

  it('readStart() should report ENOENT for a missing file', async () => {
    const manager = new AsyncFileManager();
    const result = await new Promise((resolve) => readStart(manager, path.join(directory, 'nope'), resolve));
    await manager.whenIdle();
    expect((result as NodeJS.ErrnoException).code).to.equal('ENOENT');
  });

  it('readStartWithPromises() should read the file and close it at the end of scope', async () => {
    const manager = new AsyncFileManager();
    expect(await readStartWithPromises(manager, file)).to.equal('hello from the README');
    await manager.whenIdle();
  });
});
