export { counterexampleSize, describeCounterexample, PITFALLS } from './registry.js';
export type { Pitfall, PitfallProperty } from './registry.js';
