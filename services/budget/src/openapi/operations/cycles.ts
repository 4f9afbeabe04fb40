import { HUMAN_ROLES, type FinanceDecisionArgs, type HrssDecisionArgs, type SubmitPlanArgs } from '@fund/shared';
import { agree, json, ok, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import {
  cityParams,
  beginPayoutDayBody,
  closeBody,
  financeBody,
  hrssBody,
  monthParams,
  retryBody,
  submitPlanBody as submitPlanRouteBody,
} from '../../cycles/cycle.routes';
import { cityStatusDoc, cycleStartedDoc, cycleViewDoc, provinceStatusDoc } from '../responses/cycles.schema';
import { errors } from './common';

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

const EXAMPLE_LINES = [
  { category: 'long_term', count: 120, amountFen: '45600000' },
  { category: 'medical', count: 8, amountFen: '1234500' },
];

/** The cycle API for people: start a month, submit plans, the HRSS and finance decisions, the operator's steps. */
export const cycleOperations: ApiOperation[] = [
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
    method: 'post',
    path: '/cycles/{month}/payout-day',
    operationId: 'beginPayoutDay',
    tags: ['Cycles'],
    summary: "Begin the province's payout day now, before its time",
    ...roles(
      ['provincial_agency', 'operator'],
      'Once, while the payout day is still ahead; the province pays every city prepared by then in one task, and the others pay themselves once prepared. Audited as begin_payout_day.',
    ),
    request: { params: monthParams, body: { required: false, content: json(beginPayoutDayBody, { reason: 'every city is prepared' }) } },
    responses: { 200: ok("The province's status, the day begun", provinceStatusDoc), ...errors(400, 401, 403, 404, 422) },
  },
];

// The documented bodies must say what the workflow Updates take (less the actor, which comes from the token).
agree<Same<z.infer<typeof submitPlanBody>, Omit<SubmitPlanArgs, 'actor'>>>();
agree<Same<z.infer<typeof hrssDecisionBody>, Omit<HrssDecisionArgs, 'actor'>>>();
agree<Same<z.infer<typeof financeDecisionBody>, Omit<FinanceDecisionArgs, 'actor'>>>();
