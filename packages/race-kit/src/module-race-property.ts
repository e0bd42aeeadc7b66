import type { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import type fc from 'fast-check';
import { raceProperty, type RacePropertyOptions } from './race-property.js';
import type { RaceModule } from './race-module.js';
import type { RaceScenario } from './race-scenario.js';
import type { RaceOperation } from './race-stack.js';

/** What {@link ModuleRaceOptions.createModule} receives: the run's manager and engine. */
export interface ModuleRaceContext {
  /** The manager to give the module: its actions run on the scripted engine, in the order the scheduler picks. */
  readonly manager: AsyncFileManager;
  /** The scripted engine beneath (to add files, or read them). */
  readonly engine: ScriptedEngine;
  /** The run's scheduler (to schedule work of the module's own, say a timer it does not take from setTimeout). */
  readonly s: fc.Scheduler;
}

/** What {@link ModuleRaceOptions.request} and {@link ModuleRaceOptions.setup} receive for one operation. */
export interface OperationContext {
  /** The operation's number, from 1. */
  readonly n: number;
  /** The operation's own directory in the scripted file system: every path of its request must be inside it. */
  readonly directory: string;
  /** A size from the scenario (1 to 8 by default): use it for how much data, how many chunks. */
  readonly size: number;
  /** The scripted engine (to add the operation's input files). */
  readonly engine: ScriptedEngine;
}

/**
 * What {@link moduleRaceProperty} needs to race YOUR module.
 *
 * @typeParam Request - what your start() takes.
 * @typeParam Outcome - what your callback receives.
 */
export interface ModuleRaceOptions<Request, Outcome> extends RacePropertyOptions {
  /** Creates (and opens, if it needs opening) the module under test, once per run, over the run's manager. */
  readonly createModule: (context: ModuleRaceContext) => RaceModule<Request, Outcome>;
  /** The request of one operation; put its files in `context.directory`. */
  readonly request: (context: OperationContext) => Request;
  /** Prepares one operation's files (an input to copy, say) before its start. */
  readonly setup?: ((context: OperationContext) => void) | undefined;
  /**
   * The files (relative to its directory) an operation must leave once everything ended, from its outcome (undefined
   * if its start threw): this turns on the "no stray files" check. Return undefined to skip one operation.
   */
  readonly expectedFiles?: ((operation: RaceOperation<Request, Outcome>) => readonly string[] | undefined) | undefined;
}

/**
 * The race property of one module of yours: anything with `start(request, callback): AsyncOp` and
 * `close(): Promise<void>`, over async-op-file's scripted engine driven by fast-check's scheduler.
 *
 * @param options - how to create the module and each request; which scenarios (all by default).
 * @returns a fast-check property; run it with {@link assertRace}.
 * @remarks
 * Each run creates the module, starts up to three operations (each in its own directory), cancels them with every
 * strategy (right after start, in a scheduled task, after N engine completions, from another operation's callback),
 * closes the module in the middle, fails engine calls (EAGAIN, EIO), completes them inside the call, later, or only
 * when nothing else can run, and then checks: exactly one callback per start that returned and none for one that
 * threw; nothing started after cancel; no file action calling back after its cancel; close() resolving only after
 * the callbacks; no descriptor left open; every AsyncOp reference released; and with `expectedFiles`, no stray
 * file. A module with a `cancelAll()` method is swept too.
 *
 * @example
 * ```ts
 * await assertRace(
 *   moduleRaceProperty({
 *     createModule: ({ manager }) => new CopyModule({ manager }),
 *     setup: ({ engine, directory, size }) => engine.writeFile(`${directory}/in`, 'x'.repeat(size * 4)),
 *     request: ({ directory }) => ({ from: `${directory}/in`, to: `${directory}/out` }),
 *     expectedFiles: ({ outcomes }) => (outcomes[0]?.status === 'ok' ? ['in', 'out'] : ['in']),
 *   }),
 * );
 * ```
 */
export function moduleRaceProperty<Request, Outcome>(
  options: ModuleRaceOptions<Request, Outcome>,
): fc.IAsyncPropertyWithHooks<[fc.Scheduler, RaceScenario]> {
  return raceProperty<Request, Outcome>(
    (session) => {
      const { engine, manager } = session.engine;
      const top = options.createModule({ manager, engine, s: session.s });
      return {
        top,
        request: (n, directory, plan) => {
          const context: OperationContext = { n, directory, size: plan.size, engine };
          options.setup?.(context);
          return options.request(context);
        },
        expectedFiles: options.expectedFiles,
      };
    },
    // a single module has no lower module whose callbacks could be held
    { ...options, holdsCallbacks: options.holdsCallbacks ?? [false] },
  );
}
