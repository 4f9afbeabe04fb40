import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The task queue the cycle worker polls. */
export const CYCLE_TASK_QUEUE = 'fund-cycle';

/** Search attributes the server registers at start and the cycle upserts at every stage change. */
export const SearchAttributes = {
  CycleMonth: defineSearchAttributeKey('CycleMonth', SearchAttributeType.KEYWORD),
  CityCode: defineSearchAttributeKey('CityCode', SearchAttributeType.KEYWORD),
  CycleStage: defineSearchAttributeKey('CycleStage', SearchAttributeType.KEYWORD),
  WaitingFor: defineSearchAttributeKey('WaitingFor', SearchAttributeType.KEYWORD),
  Overdue: defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL),
} as const;

/** Name=Type pairs for `temporal server start-dev --search-attribute`. */
export const SEARCH_ATTRIBUTE_REGISTRATIONS: readonly string[] = [
  'CycleMonth=Keyword',
  'CityCode=Keyword',
  'CycleStage=Keyword',
  'WaitingFor=Keyword',
  'Overdue=Bool',
];

/** Workflow id of a province's month: a business key, one per month. */
export function cycleWorkflowId(month: string): string {
  return `cycle:${month}`;
}

/** Workflow id of one city's part of a month. */
export function cityWorkflowId(month: string, cityCode: string): string {
  return `cycle:${month}:${cityCode}`;
}

/**
 * Workflow id of a re-payment asked for after a city's month closed: one per request (`requestId`
 * unique per request), so each request's payment carries its own idempotency key; a payment is
 * still made at most once.
 */
export function lateRepaymentWorkflowId(month: string, cityCode: string, requestId: string): string {
  return `${cityWorkflowId(month, cityCode)}:late-repay:${requestId}`;
}

/** Id of the schedule that starts each month's cycle on day 1. */
export const MONTHLY_SCHEDULE_ID = 'cycle-monthly';
