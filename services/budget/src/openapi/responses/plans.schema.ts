import {
  planLineSchema,
  type PlanHistoryMonth,
  type PlanStatus,
  type PlanSummary,
  type RecordedReview,
  type StoredPlan,
} from '@fund/shared';
import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { fen, instant, type Flat } from './common.schema';

/** Every plan status, in the order a plan moves through them. */
export const PLAN_STATUSES = ['awaiting', 'submitted', 'hrss_approved', 'approved', 'returned'] as const satisfies readonly PlanStatus[];

export const planLineDoc = planLineSchema.meta({
  id: 'PlanLine',
  description: 'One line of an expenditure plan: a category with its count of cases and amount in fen.',
});

const planSummaryDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    latestVersion: z.number().int().nullable(),
    status: z.enum(PLAN_STATUSES),
    totalFen: fen,
    approvedFen: fen.nullable(),
    submittedAt: instant.nullable(),
  })
  .meta({ id: 'PlanSummary' });

export const planListDoc = z.object({ plans: z.array(planSummaryDoc) }).meta({ id: 'PlanList' });

export const storedPlanDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    version: z.number().int(),
    lines: z.array(planLineDoc),
    submittedBy: z.string(),
    submittedAt: instant,
    reviews: z.array(
      z.object({
        step: z.string(),
        decision: z.string(),
        reason: z.string().nullable(),
        userId: z.string(),
        role: z.string(),
        approvedLines: z.array(planLineDoc).nullable(),
        at: instant,
      }),
    ),
  })
  .meta({ id: 'StoredPlan', description: 'A recorded plan version with its reviews.' });

const historyMonthDoc = z
  .object({
    month: z.string(),
    latestVersion: z.number().int().nullable(),
    status: z.enum(PLAN_STATUSES),
    plannedFen: fen.nullable(),
    approvedFen: fen.nullable(),
  })
  .meta({ id: 'PlanHistoryMonth' });

export const planHistoryDoc = z
  .object({ cityCode: z.string(), months: z.array(historyMonthDoc) })
  .meta({ id: 'PlanHistory', description: "A city's planned and approved totals, oldest month first." });

const reviewDoc = z.object({
  step: z.string(),
  decision: z.string(),
  reason: z.string().nullable(),
  userId: z.string(),
  role: z.string(),
  approvedLines: z.array(planLineDoc).nullable(),
  at: instant,
});

export const recordedReviewDoc = reviewDoc
  .extend({ month: z.string(), cityCode: z.string(), version: z.number().int(), replayed: z.boolean() })
  .meta({ id: 'RecordedReview', description: 'A review decision recorded on a plan version.' });

agree<Same<z.infer<typeof planListDoc>['plans'][number], PlanSummary>>();
agree<Same<z.infer<typeof storedPlanDoc>, StoredPlan>>();
agree<Same<z.infer<typeof historyMonthDoc>, PlanHistoryMonth>>();
agree<Same<z.infer<typeof recordedReviewDoc>, Flat<RecordedReview>>>();
