import { commitBudgetSchema, HUMAN_ROLES, releaseCommitmentSchema, ROLES } from '@fund/shared';
import { json, ok, roles, type ApiOperation } from '@fund/shared/server';
import { monthCity as budgetMonthCity, setBudgetBody, yearCity } from '../../budgets/budget.routes';
import { budgetCommitmentDoc, budgetPositionDoc, commitmentReleaseDoc } from '../responses/budgets.schema';
import { BY_THE_CYCLE, errors, OWN_CITY } from './common';

/** What remains of a city's annual budget. */
export const budgetReadOperations: ApiOperation[] = [
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
];

/** Setting a city's annual budget, and the commitments the cycle worker makes and releases against it. */
export const budgetWriteOperations: ApiOperation[] = [
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
];
