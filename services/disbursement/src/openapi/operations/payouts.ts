import { monthCityParams, payBatchSchema, payProvinceSchema, preparePayoutSchema, repayRequestSchema } from '@fund/shared';
import { json, ok, roles, type ApiOperation } from '@fund/shared/server';
import { monthParams as payoutMonthParams, paymentsQuery, returnedQuery } from '../../payouts/payout.routes';
import {
  batchDoc,
  failedPaymentsDoc,
  payoutProgressDoc,
  planDraftDoc,
  preparedDoc,
  provincialPayoutDoc,
  repayDoc,
  returnedPayeesDoc,
} from '../responses/payouts.schema';
import { BY_THE_CYCLE, errors, moved, OWN_CITY, REGISTER_READERS } from './common';

const PAYOUT_READERS = ['system', 'city_agency', 'provincial_agency', 'operator'] as const;

/** Plan drafts, the month's entitlements, batches of payments and re-payments. */
export const payoutOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/drafts/{month}/{cityCode}',
    operationId: 'planDraft',
    tags: ['Payouts'],
    summary: 'The plan the register and approved one-time claims call for, computed with the standards in force',
    ...roles(PAYOUT_READERS, OWN_CITY),
    request: { params: monthCityParams },
    responses: { 200: ok('The draft', planDraftDoc), ...errors(400, 401, 403, 422) },
  },
  {
    method: 'post',
    path: '/payouts/{month}/province',
    operationId: 'payProvince',
    tags: ['Payouts'],
    summary: "The province's payout day: pay every listed city whose run is prepared",
    ...roles(
      ['system'],
      "Called by the province workflow on its payout day. Batch N of a city is keyed `${batchKeyPrefix}${N}`, as the city's own payout keys it, so whichever pays a batch first, the other replays it.",
    ),
    request: { params: payoutMonthParams, body: { required: true, content: json(payProvinceSchema) } },
    responses: { 200: ok('What the day did for each city', provincialPayoutDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'post',
    path: '/payouts/{month}/{cityCode}/prepare',
    operationId: 'preparePayout',
    tags: ['Payouts'],
    summary: "Build the month's entitlements for the approved lines (deferring per the documented rule when cut)",
    ...roles(['system'], BY_THE_CYCLE),
    request: { params: monthCityParams, body: { required: true, content: json(preparePayoutSchema) } },
    responses: { ...moved('Prepared', preparedDoc), ...errors(400, 401, 403, 409, 422) },
  },
  {
    method: 'post',
    path: '/payouts/{month}/{cityCode}/batches',
    operationId: 'payBatch',
    tags: ['Payouts'],
    summary: 'Pay the next batch of pending entitlements',
    ...roles(['system'], BY_THE_CYCLE),
    request: { params: monthCityParams, body: { required: true, content: json(payBatchSchema) } },
    responses: { ...moved('Paid', batchDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/payouts/{month}/{cityCode}/repay',
    operationId: 'repayReturned',
    tags: ['Payouts'],
    summary: 'Pay again the payments the bank returned, after their bank details were corrected',
    ...roles(['system'], BY_THE_CYCLE),
    request: { params: monthCityParams, body: { required: true, content: json(repayRequestSchema) } },
    responses: { ...moved('Re-paid', repayDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/payouts/{month}/{cityCode}/returned',
    operationId: 'returnedPayees',
    tags: ['Payouts'],
    summary: 'The payees whose payments were returned and are still unpaid, ID numbers and accounts in full',
    ...roles(['system'], 'For the cycle worker only, which keeps them encrypted in workflow history.'),
    request: { params: monthCityParams, query: returnedQuery },
    responses: { 200: ok('The returned payees', returnedPayeesDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/payouts/{month}/{cityCode}',
    operationId: 'payoutProgress',
    tags: ['Payouts'],
    summary: "A city's payout run so far",
    ...roles(PAYOUT_READERS, OWN_CITY),
    request: { params: monthCityParams },
    responses: { 200: ok('The progress', payoutProgressDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/payments',
    operationId: 'failedPayments',
    tags: ['Payouts'],
    summary: "The beneficiaries with failed payments in a city's run, accounts masked",
    ...roles(REGISTER_READERS, 'A city agency only for its own city (the cityCode query parameter).'),
    request: { query: paymentsQuery },
    responses: { 200: ok('The failed payments by beneficiary', failedPaymentsDoc), ...errors(400, 401, 403) },
  },
];
