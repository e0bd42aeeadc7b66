import fs from 'node:fs';

/** What the descriptor `fd` of this process refers to (readlink of /proc/self/fd/<fd>), or undefined if it is closed. */
export function descriptorTarget(fd: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/**
 * The descriptors of this process whose target passes `matches`, from /proc/self/fd, in increasing order.
 * An unnamed file shows as `<dir>/#<inode> (deleted)`.
 */
export function descriptorsWhere(matches: (target: string) => boolean): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc/self/fd')) {
    const target = descriptorTarget(Number(entry));
    if (target !== undefined && matches(target)) found.push(Number(entry));
  }
  return found.sort((a, b) => a - b);
}

/** The descriptors open on the file named `filePath`. */
export function descriptorsOf(filePath: string): number[] {
  return descriptorsWhere((target) => target === filePath);
}

/** The descriptors open on anything inside `directory` (named or unnamed files). */
export function descriptorsUnder(directory: string): number[] {
  return descriptorsWhere((target) => target.startsWith(`${directory}/`));
}
