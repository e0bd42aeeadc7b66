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

/** A goal on `value`; the raw value is reported, rounded to 0.1 (0.01 below 10). */
function goal(
  name: string,
  value: number,
  comparison: GoalReport['comparison'],
  target: number,
  unit: string,
  tolerance: number,
): GoalReport {
  const rounded = round(value, Math.abs(value) < 10 ? 2 : 1);
  const met = meetsGoal({ comparison, target, tolerance }, value);
  return { name, value: rounded, target, comparison, tolerance, unit, met };
}

/** Evaluates "value <= target (+ tolerance)". */
export function goalAtMost(name: string, value: number, target: number, unit: string, tolerance = 0): GoalReport {
  return goal(name, value, '<=', target, unit, tolerance);
}

/** Evaluates "value >= target (- tolerance)". */
export function goalAtLeast(name: string, value: number, target: number, unit: string, tolerance = 0): GoalReport {
  return goal(name, value, '>=', target, unit, tolerance);
}

/** Evaluates "value < target (+ tolerance)": strictly less. */
export function goalBelow(name: string, value: number, target: number, unit: string, tolerance = 0): GoalReport {
  return goal(name, value, '<', target, unit, tolerance);
}
