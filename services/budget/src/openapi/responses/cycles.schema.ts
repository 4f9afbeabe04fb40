import { PLAN_CATEGORIES, ROLES, STAGES, type CityStatus, type CycleStatus, type ProvinceReconciliation } from '@fund/shared';
import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { CycleView } from '../../cycles/cycle.client';
import { fen, instant, signedFen } from './common.schema';
import { PLAN_STATUSES, planLineDoc } from './plans.schema';

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

export const provinceStatusDoc = z
  .object({
    month: z.string(),
    status: z.enum(['running', 'closed']),
    cityCodes: z.array(z.string()),
    closedCities: z.array(z.string()),
    outcomes: z.array(outcomeDoc),
    payoutDayBegun: z
      .object({ userId: z.string(), at: instant, reason: z.string().nullable() })
      .nullable()
      .meta({ description: 'who began the payout day before its time, and when' }),
    reconciliation: provinceReconciliationDoc.nullable(),
  })
  .meta({ id: 'ProvinceStatus', description: "The province workflow's own status." });

agree<Same<z.infer<typeof cityStatusDoc>, CityStatus>>();
agree<Same<z.infer<typeof provinceStatusDoc>, CycleStatus>>();
agree<Same<z.infer<typeof cycleViewDoc>, CycleView>>();
agree<Same<z.infer<typeof provinceReconciliationDoc>, ProvinceReconciliation>>();
