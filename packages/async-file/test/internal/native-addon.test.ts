import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import {
  BUILD_FAILURE_FILE,
  BUILD_FROM_SOURCE_COMMAND,
  NATIVE_DIRECTORY,
  loadAddonFrom,
  loadNativeAddonModule,
} from '../../src/internal/native-addon.js';
import { simulatePlatform } from '../../src/internal/platform.js';
import { useTempDir } from '../support/temp-dir.js';

/** The name prebuildify gives the shipped binary (package.json's prepack), which node-gyp-build must accept. */
const PREBUILT = path.join('prebuilds', `${process.platform}-${process.arch}`, 'async-op-file.glibc.node');

// The loader is node-gyp-build over a folder laid out as native/; these tests lay out temporary folders the way a
// failed, a missing, a foreign and a shipped binary leave them, and check what the loader says in each case.
describe('native addon loader', () => {
  const tmp = useTempDir();
  let restore: (() => void) | undefined;

  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  /** The binary this checkout loads (a build of the current sources): the stand-in for a shipped one. */
  function builtBinary(): string {
    const loaded = loadNativeAddonModule();
    expect(loaded.reason, 'the repository install builds the addon').to.equal(undefined);
    return loaded.file as string;
  }

  function place(relative: string, source: string | Buffer): string {
    const target = tmp.join(relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (typeof source === 'string') fs.copyFileSync(source, target);
    else fs.writeFileSync(target, source);
    return target;
  }

  it('should say the addon is Linux-only on another platform, without looking for a binary', () => {
    restore = simulatePlatform('darwin');
    const loaded = loadAddonFrom(NATIVE_DIRECTORY);
    expect(loaded.exports).to.equal(undefined);
    expect(loaded.reason).to.match(/Linux-only \(platform darwin\)/);
  });

  it("should say no binary fits, with node-gyp-build's target and the build command, where there is none", () => {
    const loaded = loadAddonFrom(tmp.path);
    expect(loaded.exports).to.equal(undefined);
    expect(loaded.reason).to.contain('no binary fits this system (No native build was found for platform=linux');
    expect(loaded.reason).to.contain(`arch=${process.arch}`);
    expect(loaded.reason).to.match(new RegExp(`; to build it: ${BUILD_FROM_SOURCE_COMMAND}$`));
    expect(loaded.reason).not.to.contain('\n');
  });

  it("should add the failed build's record (the compiler's last lines) to the reason, on one line", () => {
    place(
      BUILD_FAILURE_FILE,
      Buffer.from('node-gyp rebuild failed (exit 1)\nsrc/uring_ring.cc:3:10: fatal error: linux/io_uring.h\n'),
    );
    const loaded = loadAddonFrom(tmp.path);
    expect(loaded.reason).to.contain(
      '; the build from source failed: node-gyp rebuild failed (exit 1) | src/uring_ring.cc:3:10: fatal error: linux/io_uring.h;',
    );
    expect(loaded.reason).not.to.contain('\n');
  });

  it('should name the binary and the dynamic loader error when a binary is there but does not load', () => {
    place(PREBUILT, Buffer.from('not an ELF file'));
    const loaded = loadAddonFrom(tmp.path);
    expect(loaded.exports).to.equal(undefined);
    expect(loaded.reason).to.match(new RegExp(`^${PREBUILT.replaceAll('.', '\\.')} did not load: .+; to build it: `));
  });

  it("should load the shipped binary's name from prebuilds/ when nothing was built from source", function () {
    if (process.platform !== 'linux') this.skip(); // the addon is Linux-only
    const file = place(PREBUILT, builtBinary());
    const loaded = loadAddonFrom(tmp.path);
    expect(loaded.reason).to.equal(undefined);
    expect(loaded.file).to.equal(file);
    expect(loaded.exports?.['Ring']).to.be.a('function');
    expect(loaded.exports?.['preadNoWait']).to.be.a('function');
  });

  it('should prefer a build from source (build/Release) over the shipped binary', function () {
    if (process.platform !== 'linux') this.skip(); // the addon is Linux-only
    place(PREBUILT, Buffer.from('a shipped binary that would not load'));
    const built = place(path.join('build', 'Release', 'async_file_uring.node'), builtBinary());
    const loaded = loadAddonFrom(tmp.path);
    expect(loaded.reason).to.equal(undefined);
    expect(loaded.file).to.equal(built);
  });
});
