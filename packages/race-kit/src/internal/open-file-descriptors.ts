import { readdirSync, readlinkSync } from 'node:fs';

/**
 * The process's open descriptors that refer to files (fd -> path), from /proc/self/fd. Pipes, sockets, event fds and
 * devices are left out: Node and libuv open those on their own. Empty where /proc is missing.
 */
export function openFileDescriptors(): Map<number, string> {
  const result = new Map<number, string>();
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return result;
  }
  for (const entry of entries) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${entry}`);
    } catch {
      continue; // closed meanwhile (the directory's own descriptor, for one)
    }
    if (!target.startsWith('/') || target.startsWith('/dev/') || target.startsWith('/proc/')) continue;
    result.set(Number(entry), target);
  }
  return result;
}
