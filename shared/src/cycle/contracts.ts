import { z } from 'zod';
import type { CityCloseDetails, PayoutProgress, PlanLine, PlanStatus, RepayResult, Role } from '../domain';
import { monthString } from '../month';
import type { Deadlines } from './deadlines';
import type { CityClosure, CityOutcome, OperatorDecision, StepFailure } from './operator';

/** Stages of one city's month, in order. */
export const STAGES = ['transfer', 'plan', 'hrss_review', 'finance_review', 'allocation', 'payout', 'reconciliation', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

/** Who or what a stage is waiting for; shown to operators as the WaitingFor search attribute. */
export type WaitingFor =
  'city_agency' | 'hrss_reviewer' | 'finance_reviewer' | 'collection' | 'budget' | 'disbursement' | 'payout_day' | 'operator' | 'nobody';

/** Timing and retry knobs; production uses the defaults, tests shrink them. */
export const cycleSettingsSchema = z
  .object({
    payoutBatchSize: z.number().int().min(1).max(20_000).default(2_000),
    retryInitialIntervalMs: z.number().int().min(10).default(1_000),
    retryMaximumIntervalMs: z.number().int().min(10).default(60_000),
    heartbeatTimeoutMs: z.number().int().min(500).default(30_000),
    /**
     * How long before the payout deadline a city whose payout is not complete raises the early
     * warning `payout_at_risk`; DEFAULT_PAYOUT_WARNING_LEAD_DAYS calendar days when absent.
     */
    payoutWarningLeadMs: z.number().int().min(0).optional(),
    /**
     * The province's payout day (ISO-8601 instant it begins): a city whose payout is prepared
     * earlier waits for it, and the province pays every such city in one task; one prepared later
     * pays at once. Absent: each city pays as soon as its payout is prepared.
     */
    payoutDay: z.iso.datetime().optional(),
    /** Set with payoutDay: how long past the day's start a city waits for the province's word before paying itself. */
    provincialPayoutGraceMs: z.number().int().min(0).optional(),
  })
  .refine((s) => (s.payoutDay === undefined) === (s.provincialPayoutGraceMs === undefined), {
    message: 'payoutDay and provincialPayoutGraceMs are set together',
    path: ['provincialPayoutGraceMs'],
  });
export type CycleSettings = z.infer<typeof cycleSettingsSchema>;

/** Input of the province workflow. Versioned: add fields, never change their meaning. */
export interface MonthlyCycleInput {
  schemaVersion: 1;
  month: string;
  deadlines: Deadlines;
  cityCodes: string[];
  settings: CycleSettings;
}

/** Input of one city's child workflow. */
export interface CityCycleInput {
  schemaVersion: 1;
  month: string;
  cityCode: string;
  deadlines: Deadlines;
  settings: CycleSettings;
}

/** Input of a re-payment asked for after a city's month closed (workflow `lateRepayment`). */
export interface LateRepaymentInput {
  month: string;
  cityCode: string;
  settings: CycleSettings;
}

/** What a late re-payment paid, and the city's payout as it stands after it. */
export interface LateRepaymentResult {
  repay: RepayResult;
  payout: PayoutProgress;
}

/** A recorded human decision on a plan version. */
export interface Decision {
  planVersion: number;
  step: 'submission' | 'hrss_review' | 'finance_review';
  decision: 'submit' | 'approve' | 'return' | 'cut';
  userId: string;
  role: Role;
  reason: string | null;
  at: string;
}

export interface PlanState {
  version: number;
  status: PlanStatus;
  lines: PlanLine[];
  approvedLines: PlanLine[] | null;
  submittedBy: string;
  hrssApprovedBy: string | null;
  returnReason: string | null;
}

/** The most deferred entitlements a report names one by one; the count and total cover all. */
export const DEFERRED_LIST_LIMIT = 1_000;

/** What the payout activity heartbeats: its checkpoint, and the progress so far for operators. */
export interface PayoutHeartbeat {
  nextBatch: number;
  progress?: PayoutProgress;
}

/** One named check of a reconciliation. */
export interface ReconciliationCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A city's month closed and reconciled. */
export interface CityReconciliation extends CityCloseDetails {
  cityCode: string;
  collectedFen: string;
  transferredFen: string;
  receivedFen: string;
  approvedFen: string;
  allocatedFen: string;
  paidFen: string;
  returnedFen: string;
  unspentFen: string;
  checks: ReconciliationCheck[];
  balanced: boolean;
  /** Set when an operator closed the city's month at a failed step. */
  closure?: CityClosure;
}

/** The province's month closed and reconciled. */
export interface ProvinceReconciliation {
  month: string;
  closedAt: string;
  cities: CityReconciliation[];
  totals: Omit<CityReconciliation, 'cityCode' | 'checks' | 'balanced' | 'closure' | keyof CityCloseDetails>;
  pool: { receivedFen: string; allocatedFen: string; balanceFen: string };
  checks: ReconciliationCheck[];
  balanced: boolean;
  /** Every city's outcome: closed, closed by an operator at a failed step, or failed (absent in reports stored before). */
  outcomes?: CityOutcome[];
  /** Every city closed its month normally (absent in reports stored before). */
  complete?: boolean;
}

/** What a city's Query answers. */
export interface CityStatus {
  month: string;
  cityCode: string;
  stage: Stage;
  waitingFor: WaitingFor;
  overdue: boolean;
  overdueStages: string[];
  deadline: string | null;
  draft: PlanLine[] | null;
  plan: PlanState | null;
  remainingBudgetFen: string | null;
  transferredFen: string | null;
  allocatedFen: string | null;
  payout: PayoutProgress | null;
  decisions: Decision[];
  reconciliation: CityReconciliation | null;
  lastError: string | null;
  /** Raised before the payout deadline when the payout is not complete by then (early warning); absent in older cycles. */
  payoutAtRisk?: boolean;
  /** The province's payout day this city's prepared payout waits for (settings.payoutDay); absent when none is set. */
  payoutDay?: string;
  /** The step that failed for good and waits for an operator (waitingFor 'operator'); null otherwise. */
  failure: StepFailure | null;
  /** Operators' decisions on failed steps, in order. */
  operatorDecisions: OperatorDecision[];
  /** Set when an operator closed the month before its payout was done. */
  closure: CityClosure | null;
}

/** What the province workflow's Query answers. */
export interface CycleStatus {
  month: string;
  status: 'running' | 'closed';
  cityCodes: string[];
  closedCities: string[];
  /** The outcome of each city closed so far. */
  outcomes: CityOutcome[];
  /** Who began the payout day before its time, and when; null while it waits for its time. */
  payoutDayBegun: { userId: string; at: string; reason: string | null } | null;
  reconciliation: ProvinceReconciliation | null;
}

export const monthBodySchema = z.object({ month: monthString });
