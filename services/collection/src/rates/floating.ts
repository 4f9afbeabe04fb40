/**
 * Moves a grade along its class's allowed grades: `steps` up (positive) or down (negative),
 * stopping at the ends. The floating rule (which employer moves how far, decided by the annual
 * review from its own record) is not here yet; it decides `steps` and publishes the result
 * through `scheduleEmployerGrade`.
 */
export function stepGrade(allowed: readonly number[], current: number, steps: number): number {
  const sorted = [...allowed].sort((a, b) => a - b);
  const at = sorted.indexOf(current);
  const from = at >= 0 ? at : sorted.findIndex((g) => g >= current);
  const index = Math.min(sorted.length - 1, Math.max(0, (from < 0 ? sorted.length - 1 : from) + steps));
  return sorted[index] ?? current;
}
