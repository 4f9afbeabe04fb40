import { cityCode, HUMAN_ROLES, recordPlanSchema, recordReviewSchema } from '@fund/shared';
import { json, ok, roles, type ApiOperation } from '@fund/shared/server';
import { z } from 'zod';
import { historyQuery, listQuery as planListQuery, monthCity as planMonthCity } from '../../plans/plan.routes';
import { planHistoryDoc, planListDoc, recordedReviewDoc, storedPlanDoc } from '../responses/plans.schema';
import { BY_THE_CYCLE, errors, OWN_CITY } from './common';

/** The reviewers' reads of recorded plans. */
export const planReadOperations: ApiOperation[] = [
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
];

/** The plan versions and reviews the cycle worker records. */
export const planStepOperations: ApiOperation[] = [
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
];
