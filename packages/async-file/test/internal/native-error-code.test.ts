import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { NativeErrorCode } from '../../src/index.js';
import { asyncFileErrorCodes } from '../../src/error-registry.js';

/** The addon's sources (from dist/test/internal). */
const NATIVE_SOURCES = fileURLToPath(new URL('../../../native/src/', import.meta.url));

/** The codes native/src/error_codes.h defines, by constant name. */
function headerCodes(): Map<string, string> {
  const text = fs.readFileSync(path.join(NATIVE_SOURCES, 'error_codes.h'), 'utf8');
  const codes = new Map<string, string>();
  for (const match of text.matchAll(/constexpr const char (k\w+)\[\] = "(ERR_[A-Z0-9_]+)";/g)) {
    codes.set(match[1] as string, match[2] as string);
  }
  return codes;
}

describe('NativeErrorCode', () => {
  it('should hold exactly the codes native/src/error_codes.h defines', () => {
    const inHeader = [...headerCodes().values()].sort();
    expect(inHeader).to.have.length.greaterThan(5);
    expect(Object.values(NativeErrorCode).sort()).to.deep.equal(inHeader);
  });

  it('should be the only place the C++ sources spell a code (every other file uses its constants)', () => {
    const spelled: string[] = [];
    for (const file of fs.readdirSync(NATIVE_SOURCES)) {
      if (file === 'error_codes.h' || !/\.(cc|h)$/.test(file)) continue;
      const text = fs.readFileSync(path.join(NATIVE_SOURCES, file), 'utf8');
      for (const match of text.matchAll(/"(ERR_[A-Z0-9_]+)"/g)) spelled.push(`${file}: ${match[1]}`);
    }
    expect(spelled).to.deep.equal([]);
  });

  it('should use every constant of the header somewhere in the C++ sources', () => {
    const used = fs
      .readdirSync(NATIVE_SOURCES)
      .filter((file) => file !== 'error_codes.h' && /\.(cc|h)$/.test(file))
      .map((file) => fs.readFileSync(path.join(NATIVE_SOURCES, file), 'utf8'))
      .join('\n');
    const unused = [...headerCodes().keys()].filter((name) => !new RegExp(`\\b${name}\\b`).test(used));
    expect(unused).to.deep.equal([]);
  });

  it("should be in async-op-file's error registry, each code with its class", () => {
    const registered = new Map(asyncFileErrorCodes.entries.map((entry) => [entry.code, entry.className]));
    for (const code of Object.values(NativeErrorCode)) expect(registered.has(code), code).to.equal(true);
    expect(registered.get(NativeErrorCode.IO_URING_UNAVAILABLE)).to.equal('IoUringUnavailableError');
    expect(registered.get(NativeErrorCode.INVALID_ARG_TYPE)).to.equal('TypeError');
  });
});
