import { LeakTracker } from 'async-op';
import fs from 'node:fs';

/** What a demo left behind: AsyncOp references, descriptors on its directory, files in its directory. */
export interface LeakReport {
  readonly references: number;
  readonly descriptors: number;
  readonly files: readonly string[];
}

/** Descriptors of this process open on anything inside `directory` (from /proc/self/fd; none where it is missing). */
export function descriptorsUnder(directory: string): number {
  let count = 0;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc/self/fd');
  } catch {
    return 0;
  }
  for (const entry of entries) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${entry}`).startsWith(`${directory}/`)) count++;
    } catch {
      // closed while listing
    }
  }
  return count;
}

/** Checks what is left since `mark` (a LeakTracker.mark()) in `directory`, except the files in `expected`. */
export function leakReport(mark: number, directory: string, expected: readonly string[]): LeakReport {
  const files = fs.readdirSync(directory).filter((name) => !expected.includes(name));
  return { references: LeakTracker.liveReferences(mark).length, descriptors: descriptorsUnder(directory), files };
}

/** "nothing leaked" or what did, in one line. */
export function describeLeaks(report: LeakReport): string {
  if (report.references === 0 && report.descriptors === 0 && report.files.length === 0) {
    return 'nothing leaked: 0 AsyncOp references, 0 open descriptors, no stray files';
  }
  return `LEAKED: ${report.references} AsyncOp references, ${report.descriptors} open descriptors, stray files: ${
    report.files.join(', ') || 'none'
  }`;
}

/** Whether the report is clean. */
export function isClean(report: LeakReport): boolean {
  return report.references === 0 && report.descriptors === 0 && report.files.length === 0;
}
