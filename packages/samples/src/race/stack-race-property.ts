import {
  describeError,
  HeldCallbacksModule,
  ownerFromPath,
  RaceFailure,
  raceScenario,
  runRace,
  StartWindowModule,
  type RaceResult,
  type RaceScenario,
  type RaceModule,
  type RaceScenarioOptions,
  type RaceSession,
  type RaceStack,
} from 'async-op-race-kit';
import fc from 'fast-check';
import type { AtomicSaveRequest, FileJobRequest } from '../index.js';
import {
  buildStack,
  createFileLowLevel,
  writeRequest,
  type LayerFactories,
  type StackModule,
} from '../stacks/build-stack.js';
import {
  FILE_LOW_LEVELS,
  FILE_STACKS,
  stackTitle,
  type FileLowLevelName,
  type SampleStack,
} from '../stacks/sample-stacks.js';

/** One run of the stack race: which stack, over which LL, and the race kit's scenario. */
export interface StackRaceScenario {
  readonly stack: SampleStack;
  readonly lowLevel: FileLowLevelName;
  readonly race: RaceScenario;
}

/** Which stacks and scenarios a stack race explores, and which modules make up the stacks. */
export interface StackRaceConfig extends RaceScenarioOptions {
  /** Default: every file stack. */
  readonly stacks?: readonly SampleStack[] | undefined;
  /** Default: both file LLs. */
  readonly lowLevels?: readonly FileLowLevelName[] | undefined;
  /** Layers made otherwise (a pitfall's broken variant); the samples elsewhere. */
  readonly layers?: Partial<LayerFactories> | undefined;
  /** The LL made otherwise (a pitfall's broken variant); the sample LL by default. */
  readonly lowLevel?: ((name: FileLowLevelName, session: RaceSession) => StackModule) | undefined;
  /** Called after every run (the demo's `explore` prints the schedule it ran). */
  readonly observe?: ((s: fc.Scheduler, scenario: StackRaceScenario, result: RaceResult) => void) | undefined;
}

/** The race's root directory: operation `n` writes `/race/op<n>/file`. */
const ROOT = '/race';
/** Writes go in chunks of this many bytes (1 or 2 writes per operation); the fast path takes every one of them. */
const CHUNK_SIZE = 4;
/** Retries in a race: no real wait (the timers go through the scheduler), at most 3 attempts. */
const RETRIES = { baseDelayMs: 0, maxAttempts: 3 } as const;

const ownerOf = ownerFromPath(ROOT);

/** The LL as the race's filters see it. */
type LowerModule = RaceModule<FileJobRequest, unknown> & { open(): void; destroy(): void };

function ownerOfRequest(request: FileJobRequest | AtomicSaveRequest): number | undefined {
  return ownerOf('kind' in request && request.kind === 'rename' ? request.from : request.path);
}

/** The arbitrary of one run. */
export function stackRaceScenario(config: StackRaceConfig = {}): fc.Arbitrary<StackRaceScenario> {
  return fc.record<StackRaceScenario>({
    stack: fc.constantFrom(...(config.stacks ?? FILE_STACKS)),
    lowLevel: fc.constantFrom(...(config.lowLevels ?? FILE_LOW_LEVELS)),
    race: raceScenario(config),
  });
}

/**
 * Builds the stack of one run: the LL over the run's manager; beneath the layers, a filter that may hold the LL's
 * callbacks (delivered later, or inside the next LL start) and, outermost, the start window of the ownership check.
 */
function buildRaceStack(
  session: RaceSession,
  scenario: StackRaceScenario,
  config: StackRaceConfig,
): RaceStack<unknown, unknown> {
  const ll =
    config.lowLevel?.(scenario.lowLevel, session) ?? createFileLowLevel(scenario.lowLevel, session.engine.manager);
  let held: HeldCallbacksModule<FileJobRequest, unknown> | undefined;
  let lower = ll as unknown as LowerModule;
  if (scenario.race.holdsCallbacks) {
    const onError = (error: unknown): void =>
      session.violations.add(`a held LL callback threw ${describeError(error)}`);
    lower = held = new HeldCallbacksModule(lower, session.s, onError, scenario.race.isLeftToReaping);
  }
  const window = new StartWindowModule(lower, session.ownership, ownerOfRequest);
  const built = buildStack(scenario.stack, window as unknown as StackModule, {
    retries: RETRIES,
    layers: config.layers,
  });
  return {
    top: built.top as never,
    sweeper: (built.sweeper ?? null) as never,
    modules: built.modules,
    request: (n, directory, plan) =>
      writeRequest(scenario.stack, `${directory}/file`, Buffer.alloc(plan.size, 0x61 + (n % 26)), CHUNK_SIZE),
    whenIdle: () => {
      let hasDelivered = false;
      session.violations.guard('delivering the held LL callbacks', () => (hasDelivered = held?.flush() ?? false));
      return hasDelivered;
    },
    isRefusal: (error) => (error as { code?: unknown } | null)?.code === 'ERR_MODULE_CLOSED',
  };
}

/**
 * The race property of the sample stacks: random interleavings of starts, completions (sync, async, held; LL
 * callbacks held and reaped), cancels (right after start, scheduled, after N engine completions, from callbacks),
 * closes, sweeps, retries, faults, the fast path and re-entrant calls from callbacks, over the scripted engine.
 *
 * @param config - which stacks and scenarios; layers replaced by a pitfall's broken variant.
 * @returns the property; a failing run throws the race kit's RaceFailure, whose message lists the broken rules of
 *   the contract (docs/reference/contract.md, "The seven rules") and the run's log.
 */
export function stackRaceProperty(
  config: StackRaceConfig = {},
): fc.IAsyncPropertyWithHooks<[fc.Scheduler, StackRaceScenario]> {
  return fc.asyncProperty(fc.scheduler(), stackRaceScenario(config), async (s, scenario) => {
    let result: RaceResult = { violations: [], log: [] };
    try {
      result = await runRace(s, scenario.race, (session) => buildRaceStack(session, scenario, config), {
        root: ROOT,
        fastPathBytes: CHUNK_SIZE,
      });
    } finally {
      config.observe?.(s, scenario, result);
    }
    if (result.violations.length > 0) {
      const title = stackTitle(scenario.stack, scenario.lowLevel);
      throw new RaceFailure(result.violations, scenario.race, result.log, title);
    }
  });
}
