import { EventEmitter } from 'node:events';
import type { CrossThreadPort, CrossThreadServer } from 'async-op';
import type { AsyncFileManager } from 'async-op-file';
import { servePoolTasks } from './internal/serve-pool-tasks.js';
import type { PoolThread } from './pool-thread.js';

/** Options of {@link ScriptedPoolThread}. */
export interface ScriptedPoolThreadOptions {
  /** The file manager of the scripted "worker" (a ScriptedEngine's, for deterministic runs). */
  readonly manager: AsyncFileManager;
  /**
   * How a message is delivered to the other side: called with the function that delivers it, it must call it
   * exactly once, later. Default: on a later turn of the event loop (setImmediate). Race tests schedule it through
   * fast-check's scheduler, so messages in both directions interleave with everything else in every order.
   */
  readonly deliver?: ((deliver: () => void) => void) | undefined;
}

/** The scripted worker's end: what it posts goes to the pool's side, through `deliver`. */
class WorkerPort extends EventEmitter implements CrossThreadPort {
  constructor(private readonly thread: ScriptedPoolThread) {
    super();
  }

  postMessage(message: unknown): void {
    this.thread.toOwner(structuredClone(message));
  }
}

/**
 * A worker-pool thread without a thread: the worker's code ({@link WorkerPoolModule}'s task server, the hash task,
 * the follower of each cancel slot) runs on this thread, and messages in both directions are copied (structured
 * clone, as between threads) and delivered through `deliver`. For race tests that need every interleaving of
 * posts, reports, cancels and crashes; the doorbell works as between threads (Atomics.waitAsync on this thread).
 *
 * @remarks {@link ScriptedPoolThread.crash} ends the "thread" as a crash would: later posts from its side are
 *   dropped, `exit` is emitted (through `deliver`). Work it was doing goes on in the background until it ends (a
 *   real thread would just vanish) and closes its files; nothing it reports arrives.
 */
export class ScriptedPoolThread extends EventEmitter implements PoolThread {
  private readonly port = new WorkerPort(this);
  private readonly server: CrossThreadServer;
  private readonly deliver: (deliver: () => void) => void;
  /** Messages on their way, each direction in order (a port is FIFO, whatever order `deliver` runs its calls in). */
  private readonly toWorker: unknown[] = [];
  private readonly toPool: unknown[] = [];
  private exitCode: number | null = null;
  private exited: Promise<number> | null = null;
  private resolveExited: ((code: number) => void) | null = null;

  /** Starts serving at once. */
  constructor(options: ScriptedPoolThreadOptions) {
    super();
    this.deliver = options.deliver ?? ((deliver) => void setImmediate(deliver));
    // the manager is the test's (shared by threads and pools): a shutdown leaves it open
    this.server = servePoolTasks(this.port, options.manager, { onShutdown: () => void this.crash(0) });
  }

  /** Whether the "thread" has ended (crash() or terminate() was called). */
  get hasExited(): boolean {
    return this.exitCode !== null;
  }

  /** Posts to the worker's side (copied now: a value that cannot be cloned throws here, as with a Worker). */
  postMessage(message: unknown): void {
    const copy = structuredClone(message);
    if (this.exitCode !== null) return;
    this.toWorker.push(copy);
    this.deliver(() => {
      const next = this.toWorker.shift();
      if (this.exitCode === null) this.port.emit('message', next);
    });
  }

  /**
   * Ends the "thread" as a crash or process.exit() would, with `code`: what its side posted before is still
   * delivered, then `exit`; what it posts later is dropped.
   */
  crash(code = 1): Promise<number> {
    if (this.exited !== null) return this.exited;
    this.exitCode = code;
    this.server.close();
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    this.toPool.push(EXIT);
    this.deliver(() => this.deliverToPool());
    return this.exited;
  }

  /** Ends the "thread" (exit code 1, as Worker.terminate()). */
  terminate(): Promise<number> {
    return this.crash(1);
  }

  /** @internal What the worker's side posts: delivered to the pool's side, in order, unless the thread ended. */
  toOwner(message: unknown): void {
    if (this.exitCode !== null) return;
    this.toPool.push(message);
    this.deliver(() => this.deliverToPool());
  }

  private deliverToPool(): void {
    const next = this.toPool.shift();
    if (next !== EXIT) return void this.emit('message', next);
    const code = this.exitCode as number;
    this.emit('exit', code);
    this.resolveExited?.(code);
  }
}

/** The marker of the exit in the queue to the pool's side. */
const EXIT = Symbol('exit');
