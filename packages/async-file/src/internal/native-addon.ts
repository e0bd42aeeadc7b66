import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentPlatform } from './platform.js';

/**
 * The addon's folder (binding.gyp, native sources, `prebuilds/`, `build/`): where node-gyp-build looks, first in
 * `build/Release` (a build from source, made only on request) and then in `prebuilds/<platform>-<arch>` (the binary the
 * package ships).
 */
export const NATIVE_DIRECTORY = fileURLToPath(new URL('../../../native', import.meta.url));

/** The command that builds the addon from source where no shipped binary fits; every failure reason names it. */
export const BUILD_FROM_SOURCE_COMMAND = 'npm explore async-op-file -- npm run build:native';

/** Written by native/build-from-source.cjs when a build from source failed: its exit and the compiler's last lines. */
export const BUILD_FAILURE_FILE = 'build-failure.txt';

/** The addon's exports as require() returned them and the file they came from, or why no binary loaded. */
export type NativeAddonModule =
  | { readonly exports: Readonly<Record<string, unknown>>; readonly file: string; readonly reason?: undefined }
  | { readonly exports?: undefined; readonly file?: undefined; readonly reason: string };

/** The part of node-gyp-build used here: the path of the binary it would load from a folder (throws if none fits). */
interface NodeGypBuild {
  path(directory: string): string;
}

const require = createRequire(import.meta.url);

let loaded: NativeAddonModule | undefined;

/**
 * Loads the addon once per process (the io_uring ring and the fast path's sync I/O share it); never throws.
 *
 * @returns the exports, or the reason in one line: the loader's own error, the last build from source's failure if one
 *   was tried, and the command that builds it.
 * @remarks
 * Synchronous; the first result (success or reason) is kept for the life of the process.
 */
export function loadNativeAddonModule(): NativeAddonModule {
  loaded ??= loadAddonFrom(NATIVE_DIRECTORY);
  return loaded;
}

/**
 * Loads the addon that node-gyp-build finds in `directory`, not cached: {@link loadNativeAddonModule} for the
 * package's own folder, tests for folders they prepared.
 *
 * @param directory - a folder laid out as native/ (`build/Release/*.node`, `prebuilds/<platform>-<arch>/*.node`).
 * @returns the exports and the file, or why nothing loaded (never throws).
 */
export function loadAddonFrom(directory: string): NativeAddonModule {
  const platform = currentPlatform();
  if (platform !== 'linux') {
    return { reason: `the native addon (io_uring, RWF_NOWAIT) is Linux-only (platform ${platform})` };
  }
  let file: string;
  try {
    file = (require('node-gyp-build') as NodeGypBuild).path(directory);
  } catch (error) {
    return {
      reason: `no binary fits this system (${firstLine(error)})${lastBuildFailure(directory)}; to build it: ${BUILD_FROM_SOURCE_COMMAND}`,
    };
  }
  try {
    return { exports: require(file) as Record<string, unknown>, file };
  } catch (error) {
    // a binary that does not fit this system (another architecture, an older C++ runtime: GLIBCXX_x not found)
    const where = path.relative(directory, file);
    return { reason: `${where} did not load: ${firstLine(error)}; to build it: ${BUILD_FROM_SOURCE_COMMAND}` };
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}

/** `; the build from source failed: ...` when native/build-from-source.cjs recorded a failure, else ''. */
function lastBuildFailure(directory: string): string {
  try {
    const record = fs.readFileSync(path.join(directory, BUILD_FAILURE_FILE), 'utf8').trim().split('\n').join(' | ');
    return record === '' ? '' : `; the build from source failed: ${record}`;
  } catch {
    return '';
  }
}
