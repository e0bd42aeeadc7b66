export { captureUncaught } from './capture-uncaught.js';
export { ActionOwnership, operationDirectory, ownerFromPath } from './action-ownership.js';
export { describeEngineScript, engineScript } from './engine-script.js';
export type { EngineScript, EngineScriptOptions, IntegerRange, SyncCalls } from './engine-script.js';
export { HeldCallbacksModule } from './held-callbacks-module.js';
export { LeakCheck } from './leak-check.js';
export { mochaCheckAfterEach, mochaLeakHooks, nodeTestLeakHooks } from './leak-hooks.js';
export type { MochaHookContext, MochaLeakHooks, MochaTestState, NodeTestHooks } from './leak-hooks.js';
export { moduleRaceProperty } from './module-race-property.js';
export type { ModuleRaceContext, ModuleRaceOptions, OperationContext } from './module-race-property.js';
export { RaceEngine } from './race-engine.js';
export type { RaceEngineOptions } from './race-engine.js';
export { describeRaceFailure, RaceErrorCode, RaceFailure } from './race-failure.js';
export { isSweeping, statusOf } from './race-module.js';
export type { RaceModule, SweepingModule } from './race-module.js';
export { assertRace, DEFAULT_RACE_RUNS, raceParameters } from './race-parameters.js';
export type { RaceParameters } from './race-parameters.js';
export { raceProperty, runRace } from './race-property.js';
export type { RacePropertyOptions, RaceResult, StackBuilder } from './race-property.js';
export { RaceRun } from './race-run.js';
export {
  CANCEL_TIMINGS,
  describePlan,
  describeScenario,
  INTERFERENCES,
  raceScenario,
  REENTRIES,
} from './race-scenario.js';
export type {
  CancelTiming,
  Interference,
  OperationPlan,
  RaceScenario,
  RaceScenarioOptions,
  Reentry,
} from './race-scenario.js';
export { RaceSession } from './race-session.js';
export type { RaceSessionOptions } from './race-session.js';
export type { RaceOperation, RaceStack } from './race-stack.js';
export { describeError, RaceViolations, reportRaceError } from './race-violations.js';
export { routeTimersThroughScheduler } from './scheduled-timers.js';
export { settleScheduler } from './settle-scheduler.js';
export { StartWindowModule } from './start-window-module.js';
