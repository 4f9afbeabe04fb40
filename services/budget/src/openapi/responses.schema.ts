import {
  fenString,
  nonNegativeFenString,
  PLAN_CATEGORIES,
  planLineSchema,
  ROLES,
  STAGES,
  type BudgetCommitment,
  type BudgetPosition,
  type CommitmentRelease,
  type CityStatus,
  type PlanHistoryMonth,
  type PlanStatus,
  type PlanSummary,
  type RecordedReview,
  type ProvinceReconciliation,
  type StoredPlan,
  type StoredReport,
} from '@fund/shared';
import { agree, type ChainVerification, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { AuditEvent } from '../audit/audit.repository';
import { AUDIT_ACTIONS } from '../audit/audit.table';
import type { CycleView } from '../cycles/cycle.client';

// The answers of the budget service are TypeScript interfaces in @fund/shared; these zod schemas
// describe them for the OpenAPI document only. The `agree` checks at the bottom make tsc fail
// when a shared interface changes and its schema here does not.

/** Every plan status, in the order a plan moves through them. */
export const PLAN_STATUSES = ['awaiting', 'submitted', 'hrss_approved', 'approved', 'returned'] as const satisfies readonly PlanStatus[];

const WAITING_FOR = [
  'city_agency',
  'hrss_reviewer',
  'finance_reviewer',
  'collection',
  'budget',
  'disbursement',
  'payout_day',
  'operator',
  'nobody',
] as const;
const instant = z.string().meta({ description: 'ISO-8601 instant (UTC)', example: '2027-02-03T04:05:06.000Z' });
const fen = nonNegativeFenString.meta({ description: 'integer fen (1/100 yuan) as a decimal string', example: '123456' });
const signedFen = fenString.meta({ description: 'integer fen as a decimal string; may be negative', example: '-1500' });

export const planLineDoc = planLineSchema.meta({
  id: 'PlanLine',
  description: 'One line of an expenditure plan: a category with its count of cases and amount in fen.',
});

const decisionDoc = z
  .object({
    planVersion: z.number().int(),
    step: z.enum(['submission', 'hrss_review', 'finance_review']),
    decision: z.enum(['submit', 'approve', 'return', 'cut']),
    userId: z.string(),
    role: z.enum(ROLES),
    reason: z.string().nullable(),
    at: instant,
  })
  .meta({ id: 'Decision', description: 'A recorded human decision on a plan version.' });

const planStateDoc = z
  .object({
    version: z.number().int(),
    status: z.enum(PLAN_STATUSES),
    lines: z.array(planLineDoc),
    approvedLines: z.array(planLineDoc).nullable(),
    submittedBy: z.string(),
    hrssApprovedBy: z.string().nullable(),
    returnReason: z.string().nullable(),
  })
  .meta({ id: 'PlanState', description: "The current version of a city's plan inside its cycle." });

const onTimeDoc = z
  .object({
    due: z.number().int(),
    paidOnTime: z.number().int(),
    rate: z.number().meta({ description: 'paidOnTime / due, 1 when nothing is due; 4 decimals' }),
  })
  .meta({ id: 'OnTimeRate', description: "Payments made on or before their due date, of all due in a city's run." });

const payoutDoc = z
  .object({
    total: z.number().int(),
    paid: z.number().int(),
    failed: z.number().int(),
    held: z.number().int(),
    deferred: z.number().int(),
    pending: z.number().int(),
    paidFen: fen,
    failedFen: fen,
    cancelled: z.number().int().optional().meta({ description: 'held for review, then cancelled by a reviewer: never paid' }),
    onTime: onTimeDoc.optional(),
  })
  .meta({ id: 'PayoutProgress' });

const checkDoc = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() }).meta({ id: 'ReconciliationCheck' });

const amounts = {
  collectedFen: fen,
  transferredFen: fen,
  receivedFen: fen,
  approvedFen: fen,
  allocatedFen: fen,
  paidFen: fen,
  returnedFen: fen,
  unspentFen: fen,
};

const deferredDoc = z
  .object({
    entitlementId: z.string(),
    beneficiaryId: z.string(),
    name: z.string().meta({ description: "the payee's name, all but the first character masked (a hospital in full)" }),
    type: z.string(),
    category: z.enum(PLAN_CATEGORIES),
    periodMonth: z.string().nullable(),
    amountFen: fen,
  })
  .meta({ id: 'DeferredEntitlement', description: "An entitlement left out of a month's payout because finance cut the plan." });

const closureDoc = z
  .object({
    stage: z.enum(STAGES),
    step: z.string(),
    error: z.string(),
    reason: z.string(),
    closedBy: z.string(),
    at: instant,
    released: z.object({ pool: z.boolean(), budget: z.boolean() }),
  })
  .meta({ id: 'CityClosure', description: "An operator closed the city's month at a step that failed for good." });

const failureDoc = z
  .object({ stage: z.enum(STAGES), step: z.string(), error: z.string(), at: instant, attempt: z.number().int() })
  .meta({ id: 'StepFailure', description: 'A step that failed for good and waits for an operator (retryStep or closeCity).' });

const operatorDecisionDoc = z
  .object({
    action: z.enum(['retry', 'close']),
    stage: z.enum(STAGES),
    step: z.string(),
    userId: z.string(),
    role: z.string(),
    reason: z.string().nullable(),
    at: instant,
  })
  .meta({ id: 'OperatorDecision' });

const outcomeDoc = z
  .object({ cityCode: z.string(), outcome: z.enum(['closed', 'closed_by_operator', 'failed']), reason: z.string().nullable() })
  .meta({ id: 'CityOutcome' });

const cityReconciliationDoc = z
  .object({
    cityCode: z.string(),
    ...amounts,
    checks: z.array(checkDoc),
    balanced: z.boolean(),
    onTime: onTimeDoc.optional(),
    held: z
      .object({ count: z.number().int(), amountFen: fen })
      .optional()
      .meta({ description: 'payments held by the fraud rules and not released' }),
    deferred: z.array(deferredDoc).optional(),
    deferredCount: z.number().int().optional(),
    deferredFen: fen.optional(),
    closure: closureDoc.optional(),
  })
  .meta({
    id: 'CityReconciliation',
    description: "A city's month closed: collected = transferred, allocated = paid + returned + unspent.",
  });

const provinceReconciliationDoc = z
  .object({
    month: z.string(),
    closedAt: instant,
    cities: z.array(cityReconciliationDoc),
    totals: z.object(amounts),
    pool: z.object({ receivedFen: fen, allocatedFen: fen, balanceFen: signedFen }),
    checks: z.array(checkDoc),
    balanced: z.boolean(),
    outcomes: z.array(outcomeDoc).optional(),
    complete: z.boolean().optional().meta({ description: 'every city closed its month normally' }),
  })
  .meta({ id: 'ProvinceReconciliation' });

export const cityStatusDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    stage: z.enum(STAGES),
    waitingFor: z.enum(WAITING_FOR),
    overdue: z.boolean(),
    overdueStages: z.array(z.string()),
    deadline: instant.nullable(),
    draft: z.array(planLineDoc).nullable().meta({ description: 'The plan the system offers the city agency at stage plan.' }),
    plan: planStateDoc.nullable(),
    remainingBudgetFen: fen.nullable(),
    transferredFen: fen.nullable(),
    allocatedFen: fen.nullable(),
    payout: payoutDoc.nullable(),
    decisions: z.array(decisionDoc),
    reconciliation: cityReconciliationDoc.nullable(),
    lastError: z.string().nullable(),
    payoutAtRisk: z.boolean().optional().meta({ description: 'early warning: the payout may not complete by its deadline' }),
    payoutDay: z.iso.datetime().optional().meta({ description: "the province's payout day this city's prepared payout waits for" }),
    failure: failureDoc.nullable(),
    operatorDecisions: z.array(operatorDecisionDoc),
    closure: closureDoc.nullable(),
  })
  .meta({ id: 'CityStatus', description: "One city's month as its workflow reports it." });

export const cycleViewDoc = z
  .object({
    month: z.string(),
    workflowId: z.string(),
    status: z.enum(['running', 'closed', 'failed']),
    cities: z.array(cityStatusDoc),
    reconciliation: provinceReconciliationDoc.nullable(),
  })
  .meta({ id: 'CycleView', description: "A month's cycle: the province workflow and each city's status." });

export const cycleStartedDoc = cycleViewDoc
  .extend({ created: z.boolean().meta({ description: 'false when the month already had a cycle (answered 200)' }) })
  .meta({ id: 'CycleStarted' });

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

export const budgetPositionDoc = z
  .object({
    year: z.number().int(),
    cityCode: z.string(),
    lines: z.array(z.object({ category: z.string(), budgetFen: fen, committedFen: fen, remainingFen: signedFen })),
    budgetFen: fen,
    committedFen: fen,
    remainingFen: signedFen,
  })
  .meta({ id: 'BudgetPosition', description: "A city's annual budget, its live commitments and what remains, per category and in total." });

export const storedReportDoc = z
  .object({ month: z.string(), version: z.number().int(), createdAt: instant, report: z.record(z.string(), z.unknown()) })
  .meta({ id: 'StoredReport', description: "A stored version of a month's reconciliation report." });

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

export const budgetCommitmentDoc = z
  .object({
    commitmentId: z.string(),
    month: z.string(),
    cityCode: z.string(),
    year: z.number().int(),
    lines: z.array(planLineDoc),
    totalFen: fen,
    remainingFen: signedFen.meta({ description: "what was left of the city's whole annual budget right after this commitment" }),
    replayed: z.boolean(),
  })
  .meta({ id: 'BudgetCommitment', description: "Approved lines committed against a city's annual budget." });

export const commitmentReleaseDoc = z
  .object({
    commitmentId: z.string().nullable().meta({ description: 'null when there was no live commitment to release' }),
    releasedFen: fen,
    replayed: z.boolean(),
  })
  .meta({ id: 'CommitmentRelease' });

export const auditEventDoc = z
  .object({
    id: z.string(),
    at: instant,
    userId: z.string(),
    role: z.string(),
    from: z.string().nullable(),
    action: z.enum(AUDIT_ACTIONS),
    decision: z.string().nullable(),
    month: z.string(),
    cityCode: z.string(),
    planVersion: z.number().int().nullable(),
    outcome: z.enum(['accepted', 'refused']),
    rule: z.string().nullable().meta({ description: 'the rule that refused it, as the caller was told' }),
    detail: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent', description: 'One decision attempt, chained by sha256 to the row before.' });

export const chainVerificationDoc = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    lastId: z.string().nullable(),
    lastHash: z.string(),
    broken: z.object({ id: z.string(), reason: z.string() }).nullable(),
  })
  .meta({ id: 'ChainVerification', description: 'Whether every row of the audit trail hashes to what the next row says.' });

// Compile-time agreement between the schemas above and the interfaces the handlers answer with.
// An intersection of interfaces, written out as one object type.
type Flat<T> = { [K in keyof T]: T[K] };
agree<Same<z.infer<typeof cityStatusDoc>, CityStatus>>();
agree<Same<z.infer<typeof cycleViewDoc>, CycleView>>();
agree<Same<z.infer<typeof provinceReconciliationDoc>, ProvinceReconciliation>>();
agree<Same<z.infer<typeof planListDoc>['plans'][number], PlanSummary>>();
agree<Same<z.infer<typeof storedPlanDoc>, StoredPlan>>();
agree<Same<z.infer<typeof historyMonthDoc>, PlanHistoryMonth>>();
agree<Same<z.infer<typeof budgetPositionDoc>, BudgetPosition>>();
agree<Same<z.infer<typeof storedReportDoc>, StoredReport>>();
agree<Same<z.infer<typeof recordedReviewDoc>, Flat<RecordedReview>>>();
agree<Same<z.infer<typeof budgetCommitmentDoc>, BudgetCommitment>>();
agree<Same<z.infer<typeof commitmentReleaseDoc>, CommitmentRelease>>();
agree<Same<z.infer<typeof auditEventDoc>, AuditEvent>>();
agree<Same<z.infer<typeof chainVerificationDoc>, ChainVerification>>();
