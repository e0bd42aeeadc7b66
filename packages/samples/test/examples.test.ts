import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveDocument } from '../examples/save-a-document.js';

describe("the README's example code", () => {
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'samples-examples-'));
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('saveDocument() should save atomically and leave no temporary file', async () => {
    const target = path.join(directory, 'doc.txt');
    fs.writeFileSync(target, 'old contents');
    const result = await saveDocument(target, 'hello');
    expect(result.status).to.equal('ok');
    expect(fs.readdirSync(directory)).to.deep.equal(['doc.txt']);
    expect(fs.readFileSync(target, 'utf8')).to.equal('hello');
  });
});
