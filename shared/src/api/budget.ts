import { z } from 'zod';
import { cityCode } from '../cities';
import { actorSchema, PLAN_CATEGORIES, planLinesSchema, type PlanLine, type PlanStatus } from '../domain';
import { monthString } from '../month';
import { nonNegativeFenString } from '../money';

const idempotencyKey = z.string().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters');

/** A city's annual budget, one amount per plan category. */
export const setBudgetSchema = z.object({
  lines: z
    .array(z.object({ category: z.enum(PLAN_CATEGORIES), amountFen: nonNegativeFenString }))
    .min(1, 'a budget needs at least one line'),
});
export type SetBudgetRequest = z.infer<typeof setBudgetSchema>;

export interface BudgetPosition {
  year: number;
  cityCode: string;
  lines: { category: string; budgetFen: string; committedFen: string; remainingFen: string }[];
  budgetFen: string;
  committedFen: string;
  remainingFen: string;
}

/** The workflow records a submitted plan version. */
export const recordPlanSchema = z.object({
  month: monthString,
  cityCode,
  version: z.number().int().min(1),
  lines: planLinesSchema,
  actor: actorSchema,
  idempotencyKey,
});
export type RecordPlanRequest = z.infer<typeof recordPlanSchema>;

/** The workflow records a review decision on a plan version. */
export const recordReviewSchema = z.object({
  month: monthString,
  cityCode,
  version: z.number().int().min(1),
  step: z.enum(['hrss_review', 'finance_review']),
  decision: z.enum(['approve', 'return', 'cut']),
  reason: z.string().nullable(),
  approvedLines: planLinesSchema.nullable(),
  actor: actorSchema,
  idempotencyKey,
});
export type RecordReviewRequest = z.infer<typeof recordReviewSchema>;

/** Finance approval commits the approved total against the city's annual budget (hard limit). */
export const commitBudgetSchema = z.object({
  month: monthString,
  cityCode,
  lines: planLinesSchema,
  idempotencyKey,
});
export type CommitBudgetRequest = z.infer<typeof commitBudgetSchema>;

export interface StoredPlan {
  month: string;
  cityCode: string;
  version: number;
  lines: PlanLine[];
  submittedBy: string;
  submittedAt: string;
  reviews: {
    step: string;
    decision: string;
    reason: string | null;
    userId: string;
    role: string;
    approvedLines: PlanLine[] | null;
    at: string;
  }[];
}

export const storeReportSchema = z.object({ month: monthString, report: z.record(z.string(), z.unknown()) });
export type StoreReportRequest = z.infer<typeof storeReportSchema>;

/** Releases a city's budget commitment for a month (compensation). */
export const releaseCommitmentSchema = z.object({ month: monthString, cityCode, idempotencyKey });
export type ReleaseCommitmentRequest = z.infer<typeof releaseCommitmentSchema>;

/** Approved lines committed against a city's annual budget. */
export interface BudgetCommitment {
  commitmentId: string;
  month: string;
  cityCode: string;
  year: number;
  lines: PlanLine[];
  totalFen: string;
  /** What was left of the city's whole annual budget right after this commitment. */
  remainingFen: string;
  replayed: boolean;
}

export interface CommitmentRelease {
  /** Null when there was no live commitment to release. */
  commitmentId: string | null;
  releasedFen: string;
  replayed: boolean;
}

/** One recorded review decision, as POST /reviews answers it. */
export type RecordedReview = StoredPlan['reviews'][number] & { month: string; cityCode: string; version: number; replayed: boolean };

/** A city's latest plan version for a month, as the reviewers' list shows it. */
export interface PlanSummary {
  month: string;
  cityCode: string;
  /** Null while the city has not submitted ('awaiting'). */
  latestVersion: number | null;
  status: PlanStatus;
  totalFen: string;
  /** The finance-approved total of the latest version, once approved. */
  approvedFen: string | null;
  submittedAt: string | null;
}

/** A city's plan against its approval in one month, for comparing with earlier months. */
export interface PlanHistoryMonth {
  month: string;
  latestVersion: number | null;
  status: PlanStatus;
  plannedFen: string | null;
  approvedFen: string | null;
}

/** A stored version of a month's reconciliation report. */
export interface StoredReport {
  month: string;
  version: number;
  createdAt: string;
  report: Record<string, unknown>;
}
