import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, PlanLine, ProvincialCityPayout, ReturnedPayees } from '../domain';
import type { CityStatus, CycleStatus } from './contracts';

/** A city agency submits (or resubmits) its plan. */
export interface SubmitPlanArgs {
  actor: Actor;
  lines: PlanLine[];
}

/** The HRSS department's decision on one plan version. */
export interface HrssDecisionArgs {
  actor: Actor;
  planVersion: number;
  decision: 'approve' | 'return';
  reason?: string;
}

/** The finance department's decision; `cut` lowers line amounts and needs a reason. */
export interface FinanceDecisionArgs {
  actor: Actor;
  planVersion: number;
  decision: 'approve' | 'return' | 'cut';
  reason?: string;
  lines?: PlanLine[];
}

/** An operator asks to pay again the payments the bank returned, after the details were corrected. */
export interface RepayReturnedArgs {
  actor: Actor;
}

export const submitPlanUpdate = defineUpdate<CityStatus, [SubmitPlanArgs]>('submitPlan');
export const hrssDecisionUpdate = defineUpdate<CityStatus, [HrssDecisionArgs]>('hrssDecision');
export const financeDecisionUpdate = defineUpdate<CityStatus, [FinanceDecisionArgs]>('financeDecision');
export const repayReturnedUpdate = defineUpdate<CityStatus, [RepayReturnedArgs]>('repayReturned');

/** The province tells a city waiting for its payout day what the day's payout did for it. */
export const provincialPayoutSignal = defineSignal<[ProvincialCityPayout]>('provincialPayout');

export const cityStatusQuery = defineQuery<CityStatus>('cityStatus');
export const cycleStatusQuery = defineQuery<CycleStatus>('cycleStatus');
/**
 * The returned payments still unpaid, with full ID numbers and bank accounts, for operators in the
 * Web UI (decrypted there by the codec server). The cycle API never reads it; null when none.
 */
export const returnedPaymentsQuery = defineQuery<ReturnedPayees | null>('returnedPayments');

/** Names the worker registers; callers start workflows by these names, never by import. */
export const WorkflowNames = {
  monthlyCycle: 'monthlyCycle',
  cityCycle: 'cityCycle',
  scheduledCycleStarter: 'scheduledCycleStarter',
  lateRepayment: 'lateRepayment',
} as const;
