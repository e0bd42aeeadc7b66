import type { GoalReport } from './report.js';
import { round } from './stats.js';

/** Evaluates "value <= target (+ tolerance)"; the raw value is reported, rounded to 0.1 (0.01 below 10). */
export function goalAtMost(name: string, value: number, target: number, unit: string, tolerance = 0): GoalReport {
  return {
    name,
    value: round(value, Math.abs(value) < 10 ? 2 : 1),
    target,
    comparison: '<=',
    tolerance,
    unit,
    met: value <= target + tolerance,
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
    met: value >= target - tolerance,
  };
}
