import {
  commitBudgetSchema,
  cityCode,
  HUMAN_ROLES,
  monthString,
  recordPlanSchema,
  recordReviewSchema,
  releaseCommitmentSchema,
  ROLES,
  storeReportSchema,
  type FinanceDecisionArgs,
  type HrssDecisionArgs,
  type SubmitPlanArgs,
} from '@fund/shared';
import { agree, errorResponses, json, ok, openApiDocument, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { listQuery as auditListQuery } from '../audit/audit.routes';
import { monthCity as budgetMonthCity, setBudgetBody, yearCity } from '../budgets/budget.routes';
import {
  cityParams,
  closeBody,
  financeBody,
  hrssBody,
  monthParams,
  retryBody,
  submitPlanBody as submitPlanRouteBody,
} from '../cycles/cycle.routes';
import { historyQuery, listQuery as planListQuery, monthCity as planMonthCity } from '../plans/plan.routes';
import {
  auditEventDoc,
  budgetCommitmentDoc,
  budgetPositionDoc,
  chainVerificationDoc,
  cityStatusDoc,
  commitmentReleaseDoc,
  cycleStartedDoc,
  cycleViewDoc,
  planHistoryDoc,
  planListDoc,
  recordedReviewDoc,
  storedPlanDoc,
  storedReportDoc,
} from './responses.schema';

// The request bodies of the cycle API are the schemas its routes parse with, described for people here.
const planVersion = { description: 'the plan version the reviewer looked at; a stale version is refused' };
const reason = { description: 'why; required to return a plan, and to cut one' };

/** Body of POST /cycles/{month}/cities/{cityCode}/plan. */
export const submitPlanBody = submitPlanRouteBody.extend({
  lines: submitPlanRouteBody.shape.lines.meta({ description: 'one line per category; each category at most once' }),
});
/** Body of POST /cycles/{month}/cities/{cityCode}/hrss-decision. */
export const hrssDecisionBody = hrssBody.extend({
  planVersion: hrssBody.shape.planVersion.meta(planVersion),
  reason: hrssBody.shape.reason.meta(reason),
});
/** Body of POST /cycles/{month}/cities/{cityCode}/finance-decision. */
export const financeDecisionBody = financeBody.extend({
  planVersion: financeBody.shape.planVersion.meta(planVersion),
  reason: financeBody.shape.reason.meta(reason),
  lines: financeBody.shape.lines.meta({ description: 'with a cut only: every submitted category, none raised, at least one lowered' }),
});

const errors = errorResponses({
  404: 'NOT_FOUND: no such month, city cycle or report',
  409: "BUDGET_EXCEEDED or INSUFFICIENT_POOL: approving would break the budget execution limit or the pool's available balance; CONFLICT: the city's cycle ended without closing, so nothing can be re-paid through it, or a step was already recorded under another key; IDEMPOTENCY_CONFLICT: the key was used for a different request; MONTH_HAS_RECORDS: the month has records in the services but no cycle in this Temporal namespace; CONFLICT also when the city's cycle has ended and takes no more decisions",
  422: 'INVALID_DECISION: the workflow refused the step (wrong stage, stale version, missing reason, separation of duties...); the message names the rule',
});

const OWN_CITY = 'A city agency only for its own city.';
const BY_THE_CYCLE =
  'Called by the cycle worker; idempotent by idempotencyKey (the same key and request answers the first result, replayed: true).';

const EXAMPLE_LINES = [
  { category: 'long_term', count: 120, amountFen: '45600000' },
  { category: 'medical', count: 8, amountFen: '1234500' },
];

/**
 * Every route of the budget service: the cycle API for people, the read endpoints reviewers use, and the
 * steps the cycle worker records. The roles are each route's guard; openapi.test.ts and test/console.test.ts check them.
 */
export const OPERATIONS: ApiOperation[] = [
  {
    method: 'post',
    path: '/cycles',
    operationId: 'startCycle',
    tags: ['Cycles'],
    summary: 'Start the monthly cycle of a month',
    ...roles(
      ['provincial_agency', 'operator'],
      'Starts workflow cycle:<month>; a month that already has a cycle answers 200 with that cycle.',
    ),
    request: { body: { required: true, content: json(monthParams, { month: '2027-02' }) } },
    responses: {
      201: ok('Started', cycleStartedDoc),
      200: ok('The month already had a cycle (created: false)', cycleStartedDoc),
      ...errors(400, 401, 403, 409),
    },
  },
  {
    method: 'get',
    path: '/cycles/{month}',
    operationId: 'getCycle',
    tags: ['Cycles'],
    summary: 'Status of a month and of each city in it',
    ...roles(HUMAN_ROLES, 'A city agency sees only its own city.'),
    request: { params: monthParams },
    responses: { 200: ok("The month's cycle", cycleViewDoc), ...errors(400, 401, 403, 404) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/plan',
    operationId: 'submitPlan',
    tags: ['Cycles'],
    summary: 'A city agency submits (or resubmits) its expenditure plan',
    ...roles(['city_agency'], 'Only for the city in the token; at stage plan.'),
    request: { params: cityParams, body: { required: true, content: json(submitPlanBody, { lines: EXAMPLE_LINES }) } },
    responses: { 200: ok("The city's status after the submission", cityStatusDoc), ...errors(400, 401, 403, 404, 422) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/hrss-decision',
    operationId: 'hrssDecision',
    tags: ['Cycles'],
    summary: 'The HRSS department approves or returns a plan',
    ...roles(['hrss_reviewer'], 'At stage hrss_review; the submitter cannot approve; returning needs a reason.'),
    request: { params: cityParams, body: { required: true, content: json(hrssDecisionBody, { planVersion: 1, decision: 'approve' }) } },
    responses: { 200: ok("The city's status after the decision", cityStatusDoc), ...errors(400, 401, 403, 404, 422) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/finance-decision',
    operationId: 'financeDecision',
    tags: ['Cycles'],
    summary: 'The finance department approves, cuts or returns an HRSS-approved plan',
    ...roles(
      ['finance_reviewer'],
      'At stage finance_review; not the submitter nor the HRSS approver. Approval commits the lines against the annual budget and reserves pool money.',
    ),
    request: {
      params: cityParams,
      body: {
        required: true,
        content: json(financeDecisionBody, {
          planVersion: 1,
          decision: 'cut',
          reason: "medical settlements above the quarter's trend",
          lines: [EXAMPLE_LINES[0], { ...EXAMPLE_LINES[1], amountFen: '1000000' }],
        }),
      },
    },
    responses: { 200: ok("The city's status after the decision", cityStatusDoc), ...errors(400, 401, 403, 404, 409, 422) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/repay',
    operationId: 'repayReturned',
    tags: ['Cycles'],
    summary: 'Pay the payments the bank returned again, after the bank details were corrected',
    ...roles(
      ['operator', 'provincial_agency', 'city_agency'],
      'A city agency only for its own city. At stage payout through the running cycle; once the city has closed, as a lateRepayment workflow of its own.',
    ),
    request: { params: cityParams },
    responses: {
      200: ok("The city's status, its payout as it stands after the repayment", cityStatusDoc),
      ...errors(400, 401, 403, 404, 409, 422),
    },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/retry-step',
    operationId: 'retryStep',
    tags: ['Cycles'],
    summary: 'Run again a step of the city that failed for good, once its cause is fixed',
    ...roles(['operator'], 'Only while the city waits for an operator (waitingFor operator); audited as retry_step.'),
    request: { params: cityParams, body: { required: false, content: json(retryBody, { reason: 'stale idempotency record removed' }) } },
    responses: { 200: ok("The city's status after the decision", cityStatusDoc), ...errors(400, 401, 403, 404, 409, 422) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/close-city',
    operationId: 'closeCity',
    tags: ['Cycles'],
    summary: "Close the city's month at the step that failed for good",
    ...roles(
      ['operator'],
      'Only while the city waits for an operator; the reason is required. What an approved, unallocated plan holds goes back to the pool and the budget; audited as close_city.',
    ),
    request: { params: cityParams, body: { required: true, content: json(closeBody, { reason: 'records of a lost Temporal store' }) } },
    responses: { 200: ok("The city's status after the decision", cityStatusDoc), ...errors(400, 401, 403, 404, 409, 422) },
  },
  {
    method: 'get',
    path: '/plans',
    operationId: 'listPlans',
    tags: ['Plans'],
    summary: "The reviewers' list: each city's latest plan version and its status",
    ...roles(
      ['hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator'],
      'With a month, cities that have not submitted are listed as awaiting.',
    ),
    request: {
      query: planListQuery,
    },
    responses: { 200: ok('Plans, newest month first', planListDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/plans/{month}/{cityCode}',
    operationId: 'plansOfCity',
    tags: ['Plans'],
    summary: "Every version of a city's plan for a month, with its reviews",
    ...roles(HUMAN_ROLES, OWN_CITY),
    request: { params: planMonthCity },
    responses: { 200: ok('Plan versions, oldest first', z.array(storedPlanDoc)), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/history/{cityCode}',
    operationId: 'planHistory',
    tags: ['Plans'],
    summary: "A city's planned and approved totals over recent months",
    ...roles(HUMAN_ROLES, OWN_CITY),
    request: {
      params: z.object({ cityCode }),
      query: historyQuery,
    },
    responses: { 200: ok('One entry per month, oldest first', planHistoryDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/budgets/remaining/{month}/{cityCode}',
    operationId: 'budgetRemaining',
    tags: ['Budgets'],
    summary: "What remains of a city's annual budget for the year of a month",
    ...roles(ROLES, `${OWN_CITY} The cycle (role system) reads it too.`),
    request: { params: budgetMonthCity },
    responses: { 200: ok('The budget position', budgetPositionDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/budgets/{year}/{cityCode}',
    operationId: 'budgetOfYear',
    tags: ['Budgets'],
    summary: "A city's annual budget, commitments and remainder",
    ...roles(HUMAN_ROLES, OWN_CITY),
    request: { params: yearCity },
    responses: { 200: ok('The budget position', budgetPositionDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/reports/{month}',
    operationId: 'monthReport',
    tags: ['Reports'],
    summary: 'The stored reconciliation report of a closed month',
    ...roles(['hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator']),
    request: { params: z.object({ month: monthString }) },
    responses: { 200: ok('The latest stored version', storedReportDoc), ...errors(400, 401, 403, 404) },
  },
  {
    method: 'put',
    path: '/budgets/{year}/{cityCode}',
    operationId: 'setBudget',
    tags: ['Budgets'],
    summary: "Set a city's annual budget, one amount per plan category",
    ...roles(['provincial_agency'], "Replaces the year's amounts; what is already committed stays committed."),
    request: {
      params: yearCity,
      body: {
        required: true,
        content: json(setBudgetBody, {
          lines: [
            { category: 'long_term', amountFen: '540000000' },
            { category: 'medical', amountFen: '18000000' },
          ],
        }),
      },
    },
    responses: { 200: ok('The budget position', budgetPositionDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'post',
    path: '/commitments',
    operationId: 'commitBudget',
    tags: ['Budgets'],
    summary: "Commit finance-approved lines against the city's annual budget (hard limit)",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(commitBudgetSchema) } },
    responses: {
      201: ok('Committed', budgetCommitmentDoc),
      200: ok('Replayed: the first answer of this key', budgetCommitmentDoc),
      ...errors(400, 401, 403, 409),
    },
  },
  {
    method: 'post',
    path: '/commitments/release',
    operationId: 'releaseCommitment',
    tags: ['Budgets'],
    summary: "Release a city's budget commitment for a month (compensation)",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(releaseCommitmentSchema) } },
    responses: { 200: ok('Released, or nothing to release', commitmentReleaseDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/plans',
    operationId: 'recordPlan',
    tags: ['Plans'],
    summary: 'Record a submitted plan version',
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(recordPlanSchema) } },
    responses: {
      201: ok('Recorded', storedPlanDoc.extend({ replayed: z.boolean() })),
      200: ok('Replayed: the first answer of this key', storedPlanDoc.extend({ replayed: z.boolean() })),
      ...errors(400, 401, 403, 409),
    },
  },
  {
    method: 'post',
    path: '/reviews',
    operationId: 'recordReview',
    tags: ['Plans'],
    summary: 'Record an HRSS or finance decision on a plan version',
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(recordReviewSchema) } },
    responses: {
      201: ok('Recorded', recordedReviewDoc),
      200: ok('Replayed: the first answer of this key', recordedReviewDoc),
      ...errors(400, 401, 403, 404, 409),
    },
  },
  {
    method: 'post',
    path: '/reports',
    operationId: 'storeReport',
    tags: ['Reports'],
    summary: "Store a month's reconciliation report as a new version",
    ...roles(['system'], 'Called by the cycle worker when the month closes; the same report again answers the stored version (200).'),
    request: { body: { required: true, content: json(storeReportSchema) } },
    responses: {
      201: ok('Stored', storedReportDoc),
      200: ok('The same report was stored before', storedReportDoc),
      ...errors(400, 401, 403),
    },
  },
  {
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    tags: ['Audit'],
    summary: 'The audit trail of decision attempts, accepted and refused, oldest first',
    ...roles(['hrss_reviewer', 'finance_reviewer', 'operator']),
    request: { query: auditListQuery },
    responses: {
      200: ok('One page; pass `next` as `after` for the next', z.object({ events: z.array(auditEventDoc), next: z.string().nullable() })),
      ...errors(400, 401, 403),
    },
  },
  {
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    tags: ['Audit'],
    summary: "Check the audit trail's hash chain from its first row",
    ...roles(['operator']),
    responses: { 200: ok('The verification', chainVerificationDoc), ...errors(401, 403) },
  },
];

/** Builds the OpenAPI 3.0 document of the budget service from the zod schemas its routes parse with. */
export function buildOpenApiDocument() {
  return openApiDocument({
    title: 'Provincial work-injury fund: budget service',
    description:
      'The monthly cycle API (start a month, submit plans, HRSS and finance decisions), the read endpoints reviewers use, and the steps the cycle worker records here (plans, reviews, budget commitments, reports). Money is integer fen written as a decimal string (100 fen = 1 yuan). Every refusal answers with the ErrorBody shape.',
    tags: [
      { name: 'Cycles', description: 'Workflow-backed monthly cycle: each decision is a Temporal Workflow Update.' },
      { name: 'Plans', description: "Recorded plan versions and their reviews, the reviewers' list and history." },
      { name: 'Budgets', description: 'Annual budgets, the commitments against them and what remains.' },
      { name: 'Reports', description: 'Stored monthly reconciliation reports.' },
      { name: 'Audit', description: 'The hash-chained trail of every decision attempt, accepted or refused.' },
    ],
    operations: OPERATIONS,
  });
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

// The documented bodies must say what the workflow Updates take (less the actor, which comes from the token).
agree<Same<z.infer<typeof submitPlanBody>, Omit<SubmitPlanArgs, 'actor'>>>();
agree<Same<z.infer<typeof hrssDecisionBody>, Omit<HrssDecisionArgs, 'actor'>>>();
agree<Same<z.infer<typeof financeDecisionBody>, Omit<FinanceDecisionArgs, 'actor'>>>();
