/**
 * Fresh copies of async-op-file's compiled code, as built or with the diagnostics_channel points stripped, for the
 * `channels` section: the difference in one run is what the channels cost when nobody subscribes (and two stripped
 * copies, how far identical code lands apart).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as AsyncFile from 'async-op-file';

/** The package's directory, whose `dist/src` is copied and whose `native` the copies share. */
const PACKAGE = fileURLToPath(new URL('../../../../packages/async-file/', import.meta.url));
/** The repository's node_modules, where the copies find `async-op` (the one instance the process already has). */
const NODE_MODULES = fileURLToPath(new URL('../../../../node_modules/', import.meta.url));

/** Every channel check of the compiled manager (`channel.hasSubscribers`) becomes `false`, so the branches go. */
const CHANNEL_CHECK = /\b\w+\.hasSubscribers\b/g;

/** A copy of the package's compiled code, loaded, and the number of channel checks stripped from it. */
export interface PackageCopy {
  readonly module: typeof AsyncFile;
  readonly stripped: number;
  /** Removes the copy's directory (once nothing more loads from it: the addon loads on first need). */
  readonly remove: () => void;
}

/**
 * Copies `dist/src` to a fresh directory beside a link to the package's `native` (the addon) and one to the
 * repository's node_modules, optionally stripped, and imports it. Each copy is fresh: neither carries type feedback
 * from the group's other cases.
 *
 * @throws Error if `strip` finds no check to strip (the pattern no longer matches the compiled code).
 */
export async function loadPackageCopy(strip: boolean): Promise<PackageCopy> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'async-file-copy-'));
  const remove = (): void => fs.rmSync(root, { recursive: true, force: true });
  try {
    fs.symlinkSync(path.join(PACKAGE, 'native'), path.join(root, 'native'));
    fs.symlinkSync(NODE_MODULES, path.join(root, 'node_modules'));
    const source = path.join(PACKAGE, 'dist', 'src');
    let stripped = 0;
    for (const file of fs.readdirSync(source, { recursive: true, encoding: 'utf8' })) {
      const from = path.join(source, file);
      if (fs.statSync(from).isDirectory() || !file.endsWith('.js')) continue;
      let text = fs.readFileSync(from, 'utf8');
      if (strip) {
        text = text.replace(CHANNEL_CHECK, () => {
          stripped++;
          return 'false';
        });
      }
      const to = path.join(root, 'dist', 'src', file);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to, text);
    }
    if (strip && stripped === 0) throw new Error('package-copy: no channel check found to strip');
    const module = (await import(pathToFileURL(path.join(root, 'dist', 'src', 'index.js')).href)) as typeof AsyncFile;
    return { module, stripped, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
