/**
 * Whether an engine can do one optional thing here: `true`, or why not, in one line (the native addon did not load, the
 * engine has no such call, ...). A reason is what the manager puts in the error it throws when the thing is asked for.
 */
export type EngineSupport = true | string;

/**
 * What an engine declares it can do beyond the required calls of {@link FileEngine}: the manager reads it instead of
 * probing for methods, and refuses an option the engine cannot serve with the engine's own reason.
 *
 * @remarks
 * A feature may depend on the machine (the native addon): read it when needed, not at load; its value never changes
 * once read. A feature declared `true` obliges the engine to implement the methods it names (the manager checks them
 * at construction).
 */
export interface EngineCapabilities {
  /** `readNow` and `writeNow`: the fast path of `syncThresholdBytes`. */
  readonly syncCalls: EngineSupport;
  /** `readNow`/`writeNow` with `noWait` (RWF_NOWAIT): the cache probe (`cacheProbe`). Implies `syncCalls`. */
  readonly noWaitCalls: EngineSupport;
  /** `openExisting` with `direct` (O_DIRECT) and `directIoAlignment`: `{ direct: true }` files. */
  readonly directIo: EngineSupport;
  /** `writeNewFile`: create, write and close as one call (the manager's writeNewFile action). */
  readonly writeNewFile: EngineSupport;
  /** Calls go to the kernel as linked chains (writeNewFile as open -> write -> close in one submission). */
  readonly linkedChains: EngineSupport;
  /** Calls return an EngineRequest whose cancel() can stop them before they run. */
  readonly cancelableCalls: EngineSupport;
}

/** The name of one capability. */
export type EngineCapability = keyof EngineCapabilities;

/** Every capability name, in the order the contract lists them. */
export const ENGINE_CAPABILITIES: readonly EngineCapability[] = [
  'syncCalls',
  'noWaitCalls',
  'directIo',
  'writeNewFile',
  'linkedChains',
  'cancelableCalls',
];
