import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain';
import type { CityStatus, CycleStatus, Stage } from './contracts';

/** A step of a city's month that failed for good and waits for an operator's decision. */
export interface StepFailure {
  stage: Stage;
  /** The step that failed (an activity's name, or `transfer` for the transfer and its receipt). */
  step: string;
  /** The failing service's code and message, as the activity reported them. */
  error: string;
  at: string;
  /** How many times this step has been tried, counting operator retries. */
  attempt: number;
}

/** An operator's decision on a failed step: try it again, or close the city's month without it. */
export interface OperatorDecision {
  action: 'retry' | 'close';
  stage: Stage;
  step: string;
  userId: string;
  role: string;
  reason: string | null;
  at: string;
}

/** How a city's month ended when an operator closed it before its payout was done. */
export interface CityClosure {
  stage: Stage;
  step: string;
  error: string;
  reason: string;
  closedBy: string;
  at: string;
  /** What the close gave back: the pool reservation and the budget commitment of an approved, unallocated plan. */
  released: { pool: boolean; budget: boolean };
}

/** One city's outcome in the province's close. */
export interface CityOutcome {
  cityCode: string;
  outcome: 'closed' | 'closed_by_operator' | 'failed';
  /** Why, when the city did not close normally. */
  reason: string | null;
}

/** An operator asks the failed step to run again (after fixing its cause). */
export interface RetryStepArgs {
  actor: Actor;
  reason?: string;
}

/** An operator closes the city's month at the failed step; the reason is required. */
export interface CloseCityArgs {
  actor: Actor;
  reason: string;
}

/** The province's payout day begun early, by hand, once every city that will be paid is prepared. */
export interface BeginPayoutDayArgs {
  actor: Actor;
  reason?: string;
}

export const retryStepUpdate = defineUpdate<CityStatus, [RetryStepArgs]>('retryStep');
export const closeCityUpdate = defineUpdate<CityStatus, [CloseCityArgs]>('closeCity');
export const beginPayoutDayUpdate = defineUpdate<CycleStatus, [BeginPayoutDayArgs]>('beginPayoutDay');
