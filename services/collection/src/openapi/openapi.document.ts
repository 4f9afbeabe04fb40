import { registerEmployerSchema, reportContributionSchema, transferRequestSchema, type CollectionReconciliation, type TransferResult } from '@fund/shared';
import { agree, errorResponses, json, ok, openApiDocument, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { recordContribution } from '../contributions/contribution.repository';
import { listQuery as employerListQuery, type present } from '../employers/employer.routes';
import type { reverseTransfer } from '../transfers/transfer.repository';
import { monthCity } from '../transfers/transfer.routes';

const fen = z.string().meta({ description: 'integer fen (1/100 yuan) as a decimal string', example: '123456' });

const employerDoc = z
  .object({
    id: z.string(),
    cityCode: z.string(),
    name: z.string(),
    industryClass: z.number().int().meta({ description: 'industry risk class 1-8' }),
    rate: z
      .object({
        benchmarkBp: z.number().int().nullable().meta({ description: 'the class\'s benchmark rate in force today, in basis points of payroll (null before any version is in force)' }),
        gradePct: z.number().int().meta({ description: 'the employer\'s floating grade in force today, percent of the benchmark' }),
      })
      .meta({ description: 'the rate in force today; a month\'s due reads the versions in force on its first day' }),
    monthlyPayrollFen: fen,
  })
  .meta({ id: 'Employer', description: 'An employer that pays contributions, in its risk class and on its payroll.' });

const contributionRecordedDoc = z
  .object({ contributionId: z.string(), cityCode: z.string(), replayed: z.boolean() })
  .meta({ id: 'ContributionRecorded', description: 'A contribution booked into the city\'s income account; replayed when the reference was reported before.' });

const transferResultDoc = z
  .object({
    transferId: z.string(),
    month: z.string(),
    cityCode: z.string(),
    amountFen: fen,
    contributionCount: z.number().int(),
    replayed: z.boolean(),
  })
  .meta({ id: 'TransferResult', description: 'What the transfer up to the provincial account moved: every collection of months before the given one.' });

const reversalDoc = z
  .object({ reversedFen: fen, replayed: z.boolean() })
  .meta({ id: 'TransferReversal', description: 'A transfer the province refused for good, booked back into the income account.' });

const reconciliationDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    collectedFen: fen.meta({ description: 'contributions swept by this month\'s transfer' }),
    transferredFen: fen,
    leftBehindFen: fen.meta({ description: 'contributions of earlier months still in the income account (must be 0)' }),
    incomeBalanceFen: fen,
    ledgerBalanced: z.boolean(),
  })
  .meta({ id: 'CollectionReconciliation', description: 'The collection side of a city\'s month close.' });

const employerParams = z.object({ id: z.string().meta({ description: 'employer id; anything but digits is 404', example: '42' }) });

const errors = errorResponses({
  404: 'NOT_FOUND: no such employer, or no transfer of that city and month',
  409: 'CONFLICT: the city already transferred for the month under another key; IDEMPOTENCY_CONFLICT: the key was used for a different request',
  422: 'VALIDATION_FAILED: the employer named is not registered',
});

const CITY_READERS = ['city_agency', 'provincial_agency', 'operator'] as const;
const OWN_CITY = 'A city agency only for its own city.';
const BY_THE_CYCLE = 'Called by the cycle worker; idempotent by idempotencyKey (the same key and request answers the first result, replayed: true).';

/** Every route of the collection service, with the schemas its handler parses with and the roles its guard lets through. */
export const OPERATIONS: ApiOperation[] = [
  {
    method: 'post',
    path: '/employers',
    operationId: 'registerEmployer',
    tags: ['Employers'],
    summary: 'Register an employer in its industry risk class',
    ...roles(['city_agency', 'provincial_agency'], 'A city agency only in its own city (the body\'s cityCode).'),
    request: {
      body: { required: true, content: json(registerEmployerSchema, { cityCode: '620100', name: 'Lanzhou Petrochemical Works', industryClass: 6, monthlyPayrollFen: '850000000' }) },
    },
    responses: { 201: ok('Registered, with its benchmark rate', employerDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/employers',
    operationId: 'listEmployers',
    tags: ['Employers'],
    summary: 'A city\'s employers, oldest first, a page at a time',
    ...roles(CITY_READERS, OWN_CITY),
    request: { query: employerListQuery },
    responses: { 200: ok('One page; pass the last id as `after` for the next', z.object({ employers: z.array(employerDoc) })), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/employers/{id}',
    operationId: 'getEmployer',
    tags: ['Employers'],
    summary: 'One employer',
    ...roles(CITY_READERS, OWN_CITY),
    request: { params: employerParams },
    responses: { 200: ok('The employer', employerDoc), ...errors(401, 403, 404) },
  },
  {
    method: 'post',
    path: '/contributions',
    operationId: 'reportContribution',
    tags: ['Contributions'],
    summary: 'The tax bureau reports a contribution it collected',
    ...roles(['provincial_agency'], 'The bureau\'s receipt reference is the idempotency key: reporting it again books nothing (200, replayed).'),
    request: { body: { required: true, content: json(reportContributionSchema, { employerId: '42', month: '2027-01', amountFen: '9350000', reference: 'GS-TAX-2027-000123' }) } },
    responses: {
      201: ok('Booked into the city\'s income account', contributionRecordedDoc),
      200: ok('Reported before; nothing booked again', contributionRecordedDoc),
      ...errors(400, 401, 403, 409, 422),
    },
  },
  {
    method: 'post',
    path: '/transfers',
    operationId: 'transferToProvince',
    tags: ['Transfers'],
    summary: 'Move all of a city\'s collections of earlier months up to the provincial special account',
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(transferRequestSchema) } },
    responses: { 201: ok('Transferred', transferResultDoc), 200: ok('Replayed', transferResultDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/transfers/reversals',
    operationId: 'reverseTransfer',
    tags: ['Transfers'],
    summary: 'Book back a transfer the province refused for good (compensation)',
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(transferRequestSchema) } },
    responses: { 200: ok('Reversed, or nothing to reverse', reversalDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/reconciliation/{month}/{cityCode}',
    operationId: 'collectionReconciliation',
    tags: ['Transfers'],
    summary: 'The collection side of a city\'s month close',
    ...roles(['system', 'provincial_agency', 'operator']),
    request: { params: monthCity },
    responses: { 200: ok('Collected, transferred and left behind', reconciliationDoc), ...errors(400, 401, 403, 404) },
  },
];

/** Builds the OpenAPI 3.0 document of the collection service from the zod schemas its routes parse with. */
export function buildOpenApiDocument() {
  return openApiDocument({
    title: 'Provincial work-injury fund: collection service',
    description:
      'Employers, the contributions the tax bureau reports, the city income accounts and the monthly transfer up to the province. Money is integer fen written as a decimal string (100 fen = 1 yuan). Every refusal answers with the ErrorBody shape.',
    tags: [
      { name: 'Employers', description: 'Who pays contributions, in which risk class, on what payroll.' },
      { name: 'Contributions', description: 'Contributions collected by the tax bureau, booked into the city\'s income account.' },
      { name: 'Transfers', description: 'The city-to-province transfer the cycle moves, and the collection side of reconciliation.' },
    ],
    operations: OPERATIONS,
  });
}

// The documented answers must be what the handlers return.
agree<Same<z.infer<typeof employerDoc>, ReturnType<typeof present>>>();
agree<Same<z.infer<typeof contributionRecordedDoc>, Awaited<ReturnType<typeof recordContribution>>>>();
agree<Same<z.infer<typeof transferResultDoc>, TransferResult>>();
agree<Same<z.infer<typeof reversalDoc>, Awaited<ReturnType<typeof reverseTransfer>>>>();
agree<Same<z.infer<typeof reconciliationDoc>, CollectionReconciliation>>();
