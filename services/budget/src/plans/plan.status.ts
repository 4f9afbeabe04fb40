import { PLAN_CATEGORIES, sumFen, type PlanLine, type PlanStatus, type StoredPlan } from '@fund/shared';

/** A recorded decision as the status rules need it. */
export type RecordedDecision = StoredPlan['reviews'][number];

/** Where a plan version stands after its recorded decisions. */
export function planStatus(reviews: readonly Pick<RecordedDecision, 'step' | 'decision'>[]): PlanStatus {
  const last = reviews.at(-1);
  if (!last) return 'submitted';
  if (last.decision === 'return') return 'returned';
  return last.step === 'finance_review' ? 'approved' : 'hrss_approved';
}

/** The finance-approved total of a version, or null until finance approved it. */
export function approvedTotal(reviews: readonly RecordedDecision[]): string | null {
  const last = reviews.at(-1);
  if (!last || planStatus(reviews) !== 'approved' || !last.approvedLines) return null;
  return sumFen(last.approvedLines.map((l) => l.amountFen)).toString();
}

/** Lines in the fixed category order, so stored and replayed answers read the same. */
export function inCategoryOrder<T extends { category: string }>(lines: readonly T[]): T[] {
  const rank = (c: string) => PLAN_CATEGORIES.indexOf(c as PlanLine['category']);
  return [...lines].sort((a, b) => rank(a.category) - rank(b.category));
}

/** A stored line row as a wire plan line. */
export function toPlanLine(row: { category: string; count: number; amount_fen: string }): PlanLine {
  return { category: row.category as PlanLine['category'], count: row.count, amountFen: row.amount_fen };
}
