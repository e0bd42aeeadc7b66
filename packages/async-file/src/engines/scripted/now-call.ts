import { WOULD_BLOCK } from '../../file-engine.js';
import { rememberRecent } from './call-registry.js';
import { createErrnoError, isErrnoCode } from './errno-error.js';
import type { MemoryFileSystem } from './memory-file-system.js';
import type { NowRequest, ResolvedScriptedEngineOptions } from './scripted-engine-options.js';

/**
 * One fast-path call of the scripted engine (readNow or writeNow, arguments checked): declined, done at once or failed
 * at once, as the `now` option decides.
 *
 * @returns the bytes read or written, or WOULD_BLOCK when declined.
 * @throws TypeError for a decision that is none of those; the errno error the decision names.
 * @remarks A call done at once is listed in `nowCalls` and checked like any call (a descriptor that is not open is
 *   a violation); a declined one leaves no trace.
 */
export function runNowCall(
  memory: MemoryFileSystem,
  options: ResolvedScriptedEngineOptions,
  nowCalls: readonly string[],
  violations: readonly string[],
  request: NowRequest,
  buffer: Uint8Array,
  offset: number,
): number {
  const policy = options.now;
  const decision = typeof policy === 'function' ? policy(request) : policy;
  if (decision === 'decline') return WOULD_BLOCK;
  if (decision !== 'complete' && !isErrnoCode(decision)) {
    throw new TypeError(
      `Expected the \`now\` policy to return 'decline', 'complete' or an errno name, got \`${String(decision)}\``,
    );
  }
  const { kind, fd, length, position } = request;
  const label = `now ${kind}(fd ${fd}, ${length} B @ ${position})`;
  rememberRecent(nowCalls as string[], label, options.callHistory);
  if (memory.openFile(fd) === undefined) {
    (violations as string[]).push(`${label} was done on descriptor ${fd}, which was not open`);
  }
  if (decision !== 'complete') throw createErrnoError(decision, kind);
  return kind === 'read'
    ? memory.read(fd, buffer, offset, length, position)
    : memory.write(fd, buffer, offset, length, position, options.maxWriteBytes);
}
