import {
  allocationRequestSchema,
  correctBankAccountSchema,
  HUMAN_ROLES,
  monthCityParams,
  payBatchSchema,
  payProvinceSchema,
  preparePayoutSchema,
  receiptRequestSchema,
  releaseRequestSchema,
  repayRequestSchema,
  reservationRequestSchema,
} from '@fund/shared';
import { errorResponses, json, ok, openApiDocument, roles, type ApiOperation } from '@fund/shared/server';
import { z } from 'zod';
import { entitlementParam, holdDecisionSchema, listAuditQuery, listHoldsQuery } from '../holds/hold.schema';
import { monthParams as payoutMonthParams, paymentsQuery, returnedQuery } from '../payouts/payout.routes';
import { limitQuery } from '../payouts/report.routes';
import { monthParams as reconciliationMonthParams } from '../reconciliation/reconciliation.routes';
import { idParam, listQuery as beneficiaryListQuery } from '../register/beneficiary.routes';
import { publishStandardSchema, publishYearlyParametersSchema } from '../standards/standards.schema';
import {
  auditEventDoc,
  batchDoc,
  beneficiaryDoc,
  beneficiaryPageDoc,
  chainVerificationDoc,
  cityReconciliationDoc,
  deferredListDoc,
  failedPaymentsDoc,
  holdDecisionDoc,
  holdDoc,
  holdWithAuditDoc,
  movementDoc,
  onTimeReportDoc,
  payoutProgressDoc,
  planDraftDoc,
  poolPositionDoc,
  poolReconciliationDoc,
  preparedDoc,
  provincialPayoutDoc,
  releaseDoc,
  repayDoc,
  returnedPayeesDoc,
  standardsListDoc,
  storedStandardDoc,
  storedYearlyDoc,
} from './responses.schema';

const errors = errorResponses({
  404: 'NOT_FOUND: no such beneficiary or hold',
  409: "CONFLICT: the step was already done under another key, or its turn has not come (nothing reserved, allocated or prepared yet); INSUFFICIENT_POOL: the pool's or the city's account cannot cover it; IDEMPOTENCY_CONFLICT: the key was used for a different request",
  422: 'VALIDATION_FAILED: the request is well formed but cannot be carried out (the bank could not verify the account; an entitlement cannot be computed from the register)',
});

const BY_THE_CYCLE =
  'Called by the cycle worker; idempotent by idempotencyKey (the same key and request answers the first result, replayed: true).';
const OWN_CITY = 'A city agency only for its own city.';
const REGISTER_READERS = ['city_agency', 'provincial_agency', 'operator'] as const;
const PAYOUT_READERS = ['system', 'city_agency', 'provincial_agency', 'operator'] as const;
const REPORT_READERS = ['system', 'city_agency', 'hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator'] as const;
const HOLD_REVIEWERS = ['hrss_reviewer', 'provincial_agency'] as const;
const HOLD_READERS = ['hrss_reviewer', 'provincial_agency', 'operator'] as const;
const RECONCILERS = ['system', 'provincial_agency', 'operator'] as const;
const PUBLISHERS = ['provincial_agency', 'operator'] as const;

/** A money step of the cycle: 201 when done now, 200 when the key replays an earlier answer. */
function moved(what: string, schema: z.ZodType) {
  return { 201: ok(what, schema), 200: ok('Replayed: the first answer of this key', schema) };
}

const holdDecisions: ApiOperation[] = (['release', 'cancel'] as const).map((decision) => ({
  method: 'post',
  path: `/holds/{entitlementId}/${decision}`,
  operationId: `${decision}Hold`,
  tags: ['Holds'],
  summary:
    decision === 'release' ? 'Release a held payment: it is paid (now, or with the next batch)' : 'Cancel a held payment: it is never paid',
  ...roles(HOLD_REVIEWERS, 'The reason is recorded in the audit trail.'),
  request: {
    params: entitlementParam,
    body: {
      required: true,
      content: json(holdDecisionSchema, { reason: 'bank statement and death certificate checked with the city agency' }),
    },
  },
  responses: { 200: ok('The hold as decided', holdDecisionDoc), ...errors(400, 401, 403, 404, 409) },
}));

/** Every route of the disbursement service, with the schemas its handler parses with and the roles its guard lets through. */
export const OPERATIONS: ApiOperation[] = [
  {
    method: 'post',
    path: '/pool/receipts',
    operationId: 'receiveTransfer',
    tags: ['Pool'],
    summary: "The special account receives a city's transfer",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(receiptRequestSchema) } },
    responses: { ...moved('Received', movementDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/pool',
    operationId: 'poolPosition',
    tags: ['Pool'],
    summary: "The special account's balance, reserved and available",
    ...roles(['system', 'finance_reviewer', 'provincial_agency', 'operator']),
    responses: { 200: ok('The pool', poolPositionDoc), ...errors(401, 403) },
  },
  {
    method: 'post',
    path: '/pool/reservations',
    operationId: 'reservePool',
    tags: ['Pool'],
    summary: "Earmark pool money for a city's approved plan until it is allocated",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(reservationRequestSchema) } },
    responses: { ...moved('Reserved', movementDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/pool/reservations/release',
    operationId: 'releaseReservation',
    tags: ['Pool'],
    summary: "Release a city's reservation (compensation, or a plan sent back after approval)",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(releaseRequestSchema) } },
    responses: { 200: ok('Released, or nothing to release', releaseDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/allocations',
    operationId: 'allocate',
    tags: ['Pool'],
    summary: "Move the approved amount from the special account to the city's expenditure account",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(allocationRequestSchema) } },
    responses: { ...moved('Allocated', movementDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/beneficiaries',
    operationId: 'listBeneficiaries',
    tags: ['Register'],
    summary: 'The beneficiary register, a page at a time, ID numbers and accounts masked',
    ...roles(REGISTER_READERS, 'A city agency only for its own city (the cityCode query parameter).'),
    request: { query: beneficiaryListQuery },
    responses: { 200: ok('One page', beneficiaryPageDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/beneficiaries/{id}',
    operationId: 'getBeneficiary',
    tags: ['Register'],
    summary: 'One beneficiary, ID number and account masked',
    ...roles(REGISTER_READERS, OWN_CITY),
    request: { params: idParam },
    responses: { 200: ok('The beneficiary', beneficiaryDoc), ...errors(401, 403, 404) },
  },
  {
    method: 'put',
    path: '/beneficiaries/{id}/bank-account',
    operationId: 'correctBankAccount',
    tags: ['Register'],
    summary: "Correct a beneficiary's bank details; the bank verifies the account before the next payment",
    ...roles(REGISTER_READERS, OWN_CITY),
    request: {
      params: idParam,
      body: {
        required: true,
        content: json(correctBankAccountSchema, { bankAccount: '6222020200112233445', bankName: 'ICBC Lanzhou Chengguan' }),
      },
    },
    responses: { 200: ok('The beneficiary with the new details', beneficiaryDoc), ...errors(400, 401, 403, 404, 422) },
  },
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
  {
    method: 'get',
    path: '/payouts/{month}/{cityCode}/deferred',
    operationId: 'deferredEntitlements',
    tags: ['Reports'],
    summary: "Who waited: the entitlements a cut plan left out of the month's payout",
    ...roles(REPORT_READERS, OWN_CITY),
    request: { params: monthCityParams, query: limitQuery },
    responses: { 200: ok('The deferred entitlements', deferredListDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/payouts/{month}/{cityCode}/on-time',
    operationId: 'onTimeRate',
    tags: ['Reports'],
    summary: "How much of a city's run was paid by its due date",
    ...roles(REPORT_READERS, OWN_CITY),
    request: { params: monthCityParams },
    responses: { 200: ok('The on-time rate', onTimeReportDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/holds',
    operationId: 'listHolds',
    tags: ['Holds'],
    summary: 'Payments the supervision rules held in a month',
    ...roles([...HOLD_READERS, 'city_agency'], 'A city agency only for its own city (the cityCode query parameter).'),
    request: { query: listHoldsQuery },
    responses: { 200: ok('The holds', z.object({ month: z.string(), holds: z.array(holdDoc) })), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/holds/{entitlementId}',
    operationId: 'getHold',
    tags: ['Holds'],
    summary: 'One held payment with its audit trail',
    ...roles([...HOLD_READERS, 'city_agency'], OWN_CITY),
    request: { params: entitlementParam },
    responses: { 200: ok('The hold', holdWithAuditDoc), ...errors(400, 401, 403, 404) },
  },
  ...holdDecisions,
  {
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    tags: ['Holds'],
    summary: 'The audit trail of holds, their decisions and publications of standards',
    ...roles(HOLD_READERS),
    request: { query: listAuditQuery },
    responses: { 200: ok('Audit rows, oldest first', z.object({ events: z.array(auditEventDoc) })), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    tags: ['Holds'],
    summary: "Check the audit trail's hash chain from its first row",
    ...roles(HOLD_READERS),
    responses: { 200: ok('The verification', chainVerificationDoc), ...errors(401, 403) },
  },
  {
    method: 'get',
    path: '/standards',
    operationId: 'listStandards',
    tags: ['Standards'],
    summary: 'Every published version of the benefit standards and the yearly figures',
    ...roles(['system', ...HUMAN_ROLES]),
    responses: { 200: ok('Standards and yearly parameters, oldest first', standardsListDoc), ...errors(401, 403) },
  },
  {
    method: 'post',
    path: '/standards',
    operationId: 'publishStandard',
    tags: ['Standards'],
    summary: 'Publish a new version of the benefit standards, in force from its effective month',
    ...roles(PUBLISHERS, 'The effective month must come after every prepared payout.'),
    request: { body: { required: true, content: json(publishStandardSchema) } },
    responses: { 201: ok('Published', storedStandardDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/yearly-parameters',
    operationId: 'publishYearlyParameters',
    tags: ['Standards'],
    summary: 'Publish the wage and income figures of a year not loaded yet',
    ...roles(PUBLISHERS),
    request: {
      body: {
        required: true,
        content: json(publishYearlyParametersSchema, {
          year: 2027,
          averageMonthlyWageFen: '812300',
          minimumMonthlyWageFen: '202000',
          nationalUrbanDisposableIncomeFen: '5421600',
        }),
      },
    },
    responses: { 201: ok('Published', storedYearlyDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/reconciliation/{month}/{cityCode}',
    operationId: 'cityReconciliation',
    tags: ['Reconciliation'],
    summary: "The disbursement side of a city's month close",
    ...roles(RECONCILERS),
    request: { params: monthCityParams },
    responses: { 200: ok('Received, allocated, paid, returned and unspent', cityReconciliationDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/reconciliation/{month}',
    operationId: 'poolReconciliation',
    tags: ['Reconciliation'],
    summary: 'The province-wide figures of a month, from the ledger',
    ...roles(RECONCILERS),
    request: { params: reconciliationMonthParams },
    responses: { 200: ok("The pool's month", poolReconciliationDoc), ...errors(400, 401, 403) },
  },
];

/** Builds the OpenAPI 3.0 document of the disbursement service from the zod schemas its routes parse with. */
export function buildOpenApiDocument() {
  return openApiDocument({
    title: 'Provincial work-injury fund: disbursement service',
    description:
      'The provincial special account, city expenditure accounts, the beneficiary register, entitlements from the unified standards, payouts and their supervision. Money is integer fen written as a decimal string (100 fen = 1 yuan). Every refusal answers with the ErrorBody shape.',
    tags: [
      { name: 'Pool', description: 'The provincial special account: receipts, reservations, allocations. Only the cycle moves money.' },
      { name: 'Register', description: 'The beneficiary register and bank detail corrections.' },
      { name: 'Payouts', description: "Plan drafts, the month's entitlements, batches of payments and re-payments." },
      { name: 'Reports', description: 'Who waited in a month, and how much was paid on time.' },
      { name: 'Holds', description: 'Payments the supervision rules held, their review, and the audit trail.' },
      { name: 'Standards', description: 'Versioned benefit standards and yearly figures.' },
      { name: 'Reconciliation', description: 'Month-close figures per city and for the whole pool.' },
    ],
    operations: OPERATIONS,
  });
}
