import { LeakTracker, type LiveReference } from 'async-op';
import { openFileDescriptors } from './internal/open-file-descriptors.js';

/** The most references a leak report lists one by one. */
const LISTED_REFERENCES = 5;

function describeReferences(references: readonly LiveReference[]): string {
  const lines = references.slice(0, LISTED_REFERENCES).map((reference) => {
    const context = typeof reference.context === 'object' ? 'object context' : String(reference.context);
    const stack = reference.createdAt.split('\n').slice(0, 4).join('\n      ');
    return `  - reference #${reference.id} (${context}) created\n      ${stack}`;
  });
  if (references.length > LISTED_REFERENCES) lines.push(`  ... and ${references.length - LISTED_REFERENCES} more`);
  return `${references.length} unreleased AsyncOp reference(s) (an action or operation still pending counts):\n${lines.join('\n')}`;
}

/**
 * A resource check around each test: {@link LeakCheck.begin} before it, {@link LeakCheck.end} after it returns an
 * Error describing what the test left behind: AsyncOp references created during the test and never released (a
 * pending file action or operation holds one), and files it opened and left open.
 *
 * @remarks
 * The constructor turns the LeakTracker on if it is off (references created before are not tracked). Open files
 * are read from `/proc/self/fd` (Linux); elsewhere only references are checked. A reported reference is forgotten by
 * the tracker, so the next test does not inherit it. Use it through {@link mochaLeakHooks} or
 * {@link nodeTestLeakHooks}, or call begin()/end() from any runner's hooks.
 */
export class LeakCheck {
  #mark = 0;
  #files = new Map<number, string>();

  constructor() {
    if (!LeakTracker.isEnabled) LeakTracker.enable();
  }

  /** Marks the start of a test. */
  begin(): void {
    this.#mark = LeakTracker.mark();
    this.#files = openFileDescriptors();
  }

  /**
   * What the test left behind since {@link LeakCheck.begin}.
   *
   * @returns an Error named `LeakError` listing every leak, or undefined when nothing was left.
   */
  end(): Error | undefined {
    const found: string[] = [];
    const live = LeakTracker.liveReferences(this.#mark);
    if (live.length > 0) {
      // reported once: forget them so the next test does not inherit this one's leak
      LeakTracker.forget(live);
      found.push(describeReferences(live));
    }
    const files = [...openFileDescriptors()].filter(([fd, target]) => this.#files.get(fd) !== target);
    if (files.length > 0) {
      found.push(
        `${files.length} open file descriptor(s): ${files.map(([fd, target]) => `${fd} -> ${target}`).join(', ')}`,
      );
    }
    if (found.length === 0) return undefined;
    const error = new Error(`The test passed but left resources behind:\n${found.join('\n')}`);
    error.name = 'LeakError';
    return error;
  }
}
