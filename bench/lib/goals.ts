import type { GoalReport } from './report.js';
import { round } from './stats.js';

/**
 * Whether `value` meets `goal`: `<=`: value <= target + tolerance; `<`: value < target + tolerance; `>=`: value >=
 * target - tolerance. NaN meets no goal.
 */
export function meetsGoal(goal: Pick<GoalReport, 'comparison' | 'target' | 'tolerance'>, value: number): boolean {
  if (goal.comparison === '<') return value < goal.target + goal.tolerance;
  return goal.comparison === '<=' ? value <= goal.target + goal.tolerance : value >= goal.target - goal.tolerance;
}

/** Evaluates "value <= target (+ tolerance)"; the raw value is reported, rounded to 0.1 (0.01 below 10). */
export function goalAtMost(name: string, value: number, target: number, unit: string, tolerance = 0): GoalReport {
  return {
    name,
    value: round(value, Math.abs(value) < 10 ? 2 : 1),
    target,
    comparison: '<=',
    tolerance,
    unit,
    met: meetsGoal({ comparison: '<=', target, tolerance }, value),
  };
}

/** Evaluates "value >= target (- tolerance)"; the raw value is reported, rounded as by goalAtMost. */
export function goalAtLeast(name: string, value: number, target: number, unit: string, tolerance = 0): GoalReport {
  return {
    name,
    value: round(value, Math.abs(value) < 10 ? 2 : 1),
    target,
    comparison: '>=',
    tolerance,
    unit,
    met: meetsGoal({ comparison: '>=', target, tolerance }, value),
  };
}

/** Evaluates "value < target" (strictly less; + tolerance), rounded as by goalAtMost. */
export function goalBelow(name: string, value: number, target: number, unit: string, tolerance = 0): GoalReport {
  return {
    name,
    value: round(value, Math.abs(value) < 10 ? 2 : 1),
    target,
    comparison: '<',
    tolerance,
    unit,
    met: meetsGoal({ comparison: '<', target, tolerance }, value),
  };
}
