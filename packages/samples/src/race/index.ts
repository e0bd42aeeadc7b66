export { counterexampleSize, describeCounterexample } from './describe-counterexample.js';
export { stackRaceProperty, stackRaceScenario } from './stack-race-property.js';
export type { StackRaceConfig, StackRaceScenario } from './stack-race-property.js';
export { PITFALLS } from '../pitfalls/registry.js';
export type { Pitfall, PitfallProperty } from '../pitfalls/registry.js';
export type { PitfallModules } from '../pitfalls/support/pitfall-modules.js';
