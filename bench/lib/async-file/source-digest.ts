import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which source of the package under test was measured (it changes between commits and during work). */
export function sourceDigest(): { readonly files: number; readonly sha256: string } | null {
  const dir = fileURLToPath(new URL('../../../../packages/async-file/src', import.meta.url)); // from bench/dist/lib/async-file
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(dir, file)))
      .update('\0');
  return { files: files.length, sha256: hash.digest('hex') };
}
