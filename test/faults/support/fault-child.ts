import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IoUringEngine, selectEngine } from 'async-op-file';

/** The repository root: the child runs there, so that it imports the packages by name, as a user would. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The resource limits a child runs under (prlimit): descriptors, and the largest file it may write, in bytes. */
export interface ChildLimits {
  readonly nofile?: number;
  readonly fsize?: number;
}

/** What a child reported: its exit, its output, and the value it printed last as `RESULT <json>`. */
export interface ChildReport {
  readonly code: number | null;
  readonly stderr: string;
  readonly result: Record<string, unknown>;
}

/**
 * Helpers every fault script gets: `outcome(start)` resolves with what an action's callback received (as
 * `{ error: code or null, result }`), `job(module, request)` with what a module's callback received (`{ status,
 * code }`), `leftOpen(dir)` lists the descriptors open on `dir`, `refsLeft()` counts the live AsyncOp references.
 */
const PRELUDE = `
import fs from 'node:fs';
import { LeakTracker } from 'async-op';
import * as file from 'async-op-file';
import * as samples from 'async-op-samples';
LeakTracker.enable();
const mark = LeakTracker.mark();
process.on('SIGXFSZ', () => {}); // a write past RLIMIT_FSIZE must fail with EFBIG, not kill the process
const outcome = (start) => new Promise((resolve) => {
  let op;
  let isDone = false;
  op = start((error, result) => {
    isDone = true;
    op?.release();
    resolve({ error: error?.code ?? null, result: typeof result === 'number' ? result : undefined });
  });
  if (isDone) op.release();
});
const job = (module, request) => new Promise((resolve) => {
  module.start(request, (r) => resolve({ status: r.status, code: r.error?.code ?? null, bytes: r.value?.bytes })).release();
});
const leftOpen = (dir) => fs.readdirSync('/proc/self/fd').filter((fd) => {
  try { return fs.readlinkSync('/proc/self/fd/' + fd).startsWith(dir + '/'); } catch { return false; }
});
const refsLeft = () => LeakTracker.liveReferences(mark).length;
const report = (value) => console.log('RESULT ' + JSON.stringify(value));
`;

/**
 * Runs `script` (an ES module body, after PRELUDE) in a child process under `limits`, with `env` added.
 *
 * @returns the child's exit and the object it reported with `report(...)`.
 */
export function runFaultScript(
  script: string,
  limits: ChildLimits,
  env: Readonly<Record<string, string>>,
): Promise<ChildReport> {
  const prlimit: string[] = [];
  if (limits.nofile !== undefined) prlimit.push(`--nofile=${limits.nofile}:${limits.nofile}`);
  if (limits.fsize !== undefined) prlimit.push(`--fsize=${limits.fsize}:${limits.fsize}`);
  const args = [...prlimit, '--', process.execPath, '--input-type=module', '--eval', `${PRELUDE}\n${script}`];
  return new Promise((resolve) => {
    execFile(
      'prlimit',
      args,
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
        const exit = error as (Error & { code?: number }) | null;
        resolve({
          code: exit === null ? 0 : (exit.code ?? null),
          stderr,
          result: line === undefined ? {} : (JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>),
        });
      },
    );
  });
}

/** The engines every fault runs on. */
export const FAULT_ENGINES = ['node-fs', 'io_uring'] as const;

/**
 * The engines a fault runs on here: node-fs, and io_uring where the kernel and the addon allow it (elsewhere its
 * absence is printed once, as the engine suites do; in CI it must be there).
 */
export function faultEngines(): readonly string[] {
  // 'auto' picks io_uring wherever it works, and says why not elsewhere
  const { engine, reason } = selectEngine('auto');
  if (engine instanceof IoUringEngine) {
    engine.close();
    return FAULT_ENGINES;
  }
  if (process.env['CI']) throw new Error(`the io_uring engine must be available in CI: ${reason}`);
  console.warn(`fault suites run on node-fs only: ${reason}`);
  return ['node-fs'];
}
