import {
  declarePayrollSchema,
  employerGradeSchema,
  publishRateVersionSchema,
  registerEmployerSchema,
  reportContributionSchema,
  transferRequestSchema,
  type CollectionReconciliation,
  type IncomeAccountMonth,
  type TransferResult,
} from '@fund/shared';
import { agree, errorResponses, json, ok, openApiDocument, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { recordContribution } from '../contributions/contribution.repository';
import type { declarePayroll } from '../dues/declaration.repository';
import type { employerDues } from '../dues/dues.repository';
import { accountParams, asOf, employerQuery as duesQuery } from '../dues/dues.routes';
import { listQuery as employerListQuery, type present } from '../employers/employer.routes';
import type { gradeHistory, RateVersion, scheduleEmployerGrade } from '../rates/rate.repository';
import { versionParams } from '../rates/rate.routes';
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
        benchmarkBp: z.number().int().nullable().meta({
          description: "the class's benchmark rate in force today, in basis points of payroll (null before any version is in force)",
        }),
        gradePct: z.number().int().meta({ description: "the employer's floating grade in force today, percent of the benchmark" }),
      })
      .meta({ description: "the rate in force today; a month's due reads the versions in force on its first day" }),
    monthlyPayrollFen: fen,
  })
  .meta({ id: 'Employer', description: 'An employer that pays contributions, in its risk class and on its payroll.' });

const contributionRecordedDoc = z.object({ contributionId: z.string(), cityCode: z.string(), replayed: z.boolean() }).meta({
  id: 'ContributionRecorded',
  description: "A contribution booked into the city's income account; replayed when the reference was reported before.",
});

const transferResultDoc = z
  .object({
    transferId: z.string(),
    month: z.string(),
    cityCode: z.string(),
    amountFen: fen,
    contributionCount: z.number().int(),
    replayed: z.boolean(),
  })
  .meta({
    id: 'TransferResult',
    description: 'What the transfer up to the provincial account moved: every collection of months before the given one.',
  });

const reversalDoc = z
  .object({ reversedFen: fen, replayed: z.boolean() })
  .meta({ id: 'TransferReversal', description: 'A transfer the province refused for good, booked back into the income account.' });

const reconciliationDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    collectedFen: fen.meta({ description: "contributions swept by this month's transfer" }),
    transferredFen: fen,
    leftBehindFen: fen.meta({ description: 'contributions of earlier months still in the income account (must be 0)' }),
    incomeBalanceFen: fen,
    ledgerBalanced: z.boolean(),
  })
  .meta({ id: 'CollectionReconciliation', description: "The collection side of a city's month close." });

const declarationRecordedDoc = z.object({ declarationId: z.string(), cityCode: z.string(), replayed: z.boolean() }).meta({
  id: 'PayrollDeclared',
  description: 'A payroll declaration recorded for the employer and month; replayed when the reference was declared before.',
});

const employerDueDoc = z
  .object({
    employerId: z.string(),
    name: z.string(),
    month: z.string(),
    dueDate: z.string().meta({ description: 'the 15th of the month; the late fee runs from the day after' }),
    payrollFen: fen.nullable().meta({ description: 'the declared payroll (null: receipts with no declaration)' }),
    benchmarkBp: z
      .number()
      .int()
      .nullable()
      .meta({ description: "the class's benchmark in force on the month's first day, basis points of payroll" }),
    gradePct: z
      .number()
      .int()
      .nullable()
      .meta({ description: "the employer's grade in force on the month's first day, percent of the benchmark" }),
    dueFen: fen.meta({ description: 'payroll x benchmark x grade / 1,000,000, rounded once, half up' }),
    receivedFen: fen.meta({ description: 'receipts paid on or before asOf' }),
    arrearsFen: fen.meta({ description: 'still unpaid past the due date' }),
    lateFeeFen: fen.meta({ description: '0.05% of the unpaid amount per day late (shown, not booked)' }),
    status: z.enum(['paid', 'part_paid', 'in_arrears', 'not_yet_due', 'undeclared']),
  })
  .meta({ id: 'EmployerDue', description: 'What one employer owed for one month and how it stood on asOf.' });

const incomeAccountDoc = z
  .object({
    cityCode: z.string(),
    month: z.string(),
    asOf: z.string(),
    dueDate: z.string(),
    declaredPayrollFen: fen,
    dueFen: fen,
    receivedFen: fen,
    arrearsFen: fen,
    lateFeeFen: fen,
    employers: z.array(employerDueDoc),
  })
  .meta({
    id: 'IncomeAccountMonth',
    description:
      "A city's income account for a month as it stood on asOf: due, received, arrears and late fees, in total and per employer.",
  });

const employerDuesDoc = z
  .object({ employerId: z.string(), asOf: z.string(), dues: z.array(employerDueDoc) })
  .meta({ id: 'EmployerDues', description: "One employer's dues, month by month, as they stood on asOf." });

const employerGradesDoc = z
  .object({
    employerId: z.string(),
    industryClass: z.number().int(),
    grades: z.array(
      z.object({
        effectiveFrom: z.string().meta({ description: 'the first of the month the grade is in force from' }),
        gradePct: z.number().int().meta({ description: "percent of the class's benchmark" }),
        reason: z.string(),
        decidedBy: z.string(),
      }),
    ),
  })
  .meta({ id: 'EmployerGrades', description: "An employer's floating grades, oldest first; each is in force until the next." });

const rateVersionDoc = z
  .object({
    effectiveFrom: z.string().meta({ description: 'the first of the month the version is in force from' }),
    reason: z.string(),
    publishedBy: z.string(),
    benchmarksBp: z
      .record(z.string(), z.number().int())
      .meta({ description: 'industry class 1-8 to its benchmark, basis points of payroll' }),
    grades: z
      .record(z.string(), z.array(z.number().int()))
      .meta({ description: 'industry class 1-8 to the grades it may float to, percent of its benchmark' }),
    inForce: z.boolean().meta({ description: 'its first day has come: never rewritten' }),
  })
  .meta({
    id: 'RateVersion',
    description: "The benchmark of every class and the grades it may float to, in force from its first day until the next version's.",
  });

const employerParams = z.object({ id: z.string().meta({ description: 'employer id; anything but digits is 404', example: '42' }) });

const errors = errorResponses({
  404: 'NOT_FOUND: no such employer, or no transfer of that city and month',
  409: 'CONFLICT: the city already transferred for the month under another key; IDEMPOTENCY_CONFLICT: the key was used for a different request',
  422: 'VALIDATION_FAILED: the employer named is not registered',
});

const declarationErrors = errorResponses({
  409: 'CONFLICT: the employer already declared its payroll for the month under another reference; IDEMPOTENCY_CONFLICT: the reference was used for a different declaration',
  422: 'VALIDATION_FAILED: the employer named is not registered',
});

const employerErrors = errorResponses({
  404: 'NOT_FOUND: no such employer',
  409: 'CONFLICT: the employer already has a grade from that day',
  422: 'VALIDATION_FAILED: the day is not in the future, or the grade is not one the class may float to in the version in force that day',
});

const rateErrors = errorResponses({
  404: 'NOT_FOUND: no version from that day',
  409: "CONFLICT: the day is on or before the latest version's (a new version must follow it), or the version is already in force (never rewritten)",
  422: "VALIDATION_FAILED: the day is not in the future, or the body's effectiveFrom is not the version being revised",
});

const DUES_READERS = ['system', 'city_agency', 'provincial_agency', 'operator'] as const;
const CITY_READERS = ['city_agency', 'provincial_agency', 'operator'] as const;
const OWN_CITY = 'A city agency only for its own city.';
const RATE_EXAMPLE = {
  effectiveFrom: '2028-01-01',
  benchmarksBp: { 1: 20, 2: 40, 3: 70, 4: 90, 5: 110, 6: 130, 7: 160, 8: 190 },
  grades: {
    1: [100, 120, 150],
    2: [50, 80, 100, 120, 150],
    3: [50, 80, 100, 120, 150],
    4: [50, 80, 100, 120, 150],
    5: [50, 80, 100, 120, 150],
    6: [50, 80, 100, 120, 150],
    7: [50, 80, 100, 120, 150],
    8: [50, 80, 100, 120, 150],
  },
  reason: 'Provincial notice on the 2028 work-injury insurance rates',
};
const BY_THE_CYCLE =
  'Called by the cycle worker; idempotent by idempotencyKey (the same key and request answers the first result, replayed: true).';

/** Every route of the collection service, with the schemas its handler parses with and the roles its guard lets through. */
export const OPERATIONS: ApiOperation[] = [
  {
    method: 'post',
    path: '/employers',
    operationId: 'registerEmployer',
    tags: ['Employers'],
    summary: 'Register an employer in its industry risk class',
    ...roles(['city_agency', 'provincial_agency'], "A city agency only in its own city (the body's cityCode)."),
    request: {
      body: {
        required: true,
        content: json(registerEmployerSchema, {
          cityCode: '620100',
          name: 'Lanzhou Petrochemical Works',
          industryClass: 6,
          monthlyPayrollFen: '850000000',
        }),
      },
    },
    responses: { 201: ok('Registered, with its benchmark rate', employerDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/employers',
    operationId: 'listEmployers',
    tags: ['Employers'],
    summary: "A city's employers, oldest first, a page at a time",
    ...roles(CITY_READERS, OWN_CITY),
    request: { query: employerListQuery },
    responses: {
      200: ok('One page; pass the last id as `after` for the next', z.object({ employers: z.array(employerDoc) })),
      ...errors(400, 401, 403),
    },
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
    method: 'get',
    path: '/employers/{id}/dues',
    operationId: 'employerDues',
    tags: ['Dues'],
    summary: "One employer's dues month by month: due, received, arrears and late fee",
    ...roles(DUES_READERS, `${OWN_CITY} Unset: from its first declared month to the month of asOf, as of today (province time).`),
    request: { params: employerParams, query: duesQuery },
    responses: { 200: ok('Its dues, oldest month first', employerDuesDoc), ...employerErrors(400, 401, 403, 404) },
  },
  {
    method: 'get',
    path: '/employers/{id}/grades',
    operationId: 'employerGrades',
    tags: ['Rates'],
    summary: "An employer's floating grades over time",
    ...roles(['city_agency', 'provincial_agency', 'operator', 'system'], `${OWN_CITY} A month with no grade is at 100% (the benchmark).`),
    request: { params: employerParams },
    responses: { 200: ok('Its grades, oldest first', employerGradesDoc), ...employerErrors(401, 403, 404) },
  },
  {
    method: 'post',
    path: '/employers/{id}/grades',
    operationId: 'scheduleEmployerGrade',
    tags: ['Rates'],
    summary: "Set an employer's grade from a future first of the month",
    ...roles(
      ['provincial_agency', 'system'],
      "The rate review publishes each employer's new grade; the provincial agency may set one by hand. A grade in force is never rewritten.",
    ),
    request: {
      params: employerParams,
      body: {
        required: true,
        content: json(employerGradeSchema, {
          effectiveFrom: '2028-01-01',
          gradePct: 120,
          reason: 'annual review: claims above the class average',
        }),
      },
    },
    responses: {
      201: ok('Scheduled; the grade history as it now stands', employerGradesDoc),
      ...employerErrors(400, 401, 403, 404, 409, 422),
    },
  },
  {
    method: 'post',
    path: '/payroll-declarations',
    operationId: 'declarePayroll',
    tags: ['Dues'],
    summary: "The tax bureau declares an employer's payroll for a month",
    ...roles(
      ['provincial_agency'],
      "One declaration per employer and month. The bureau's declaration reference is the idempotency key: declaring it again records nothing (200, replayed).",
    ),
    request: {
      body: {
        required: true,
        content: json(declarePayrollSchema, {
          employerId: '42',
          month: '2027-01',
          payrollFen: '850000000',
          reference: 'GS-DECL-2027-000123',
        }),
      },
    },
    responses: {
      201: ok('Recorded', declarationRecordedDoc),
      200: ok('Declared before; nothing recorded again', declarationRecordedDoc),
      ...declarationErrors(400, 401, 403, 409, 422),
    },
  },
  {
    method: 'get',
    path: '/income-accounts/{cityCode}/{month}',
    operationId: 'incomeAccountMonth',
    tags: ['Dues'],
    summary: "A city's income account for a month: due, received, arrears and late fees",
    ...roles(DUES_READERS, `${OWN_CITY} Unset asOf: today (province time).`),
    request: { params: accountParams, query: z.object({ asOf }) },
    responses: { 200: ok('The month as it stood on asOf, in total and per employer', incomeAccountDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/rates/versions',
    operationId: 'listRateVersions',
    tags: ['Rates'],
    summary: 'Every rate version, oldest first',
    ...roles(['city_agency', 'hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator', 'system']),
    responses: {
      200: ok('The versions; inForce marks those whose first day has come', z.object({ versions: z.array(rateVersionDoc) })),
      ...errors(401, 403),
    },
  },
  {
    method: 'post',
    path: '/rates/versions',
    operationId: 'publishRateVersion',
    tags: ['Rates'],
    summary: 'Publish the next rate version from a future first of the month',
    ...roles(['provincial_agency'], "The day must be later than every existing version's. Class 1 never floats below its benchmark."),
    request: { body: { required: true, content: json(publishRateVersionSchema, RATE_EXAMPLE) } },
    responses: { 201: ok('Published', rateVersionDoc), ...rateErrors(400, 401, 403, 409, 422) },
  },
  {
    method: 'put',
    path: '/rates/versions/{effectiveFrom}',
    operationId: 'reviseRateVersion',
    tags: ['Rates'],
    summary: 'Revise a rate version not yet in force',
    ...roles(['provincial_agency'], "The body's effectiveFrom must be the version's own; a version in force is never rewritten (409)."),
    request: { params: versionParams, body: { required: true, content: json(publishRateVersionSchema, RATE_EXAMPLE) } },
    responses: { 200: ok('Revised', rateVersionDoc), ...rateErrors(400, 401, 403, 404, 409, 422) },
  },
  {
    method: 'post',
    path: '/contributions',
    operationId: 'reportContribution',
    tags: ['Contributions'],
    summary: 'The tax bureau reports a contribution it collected',
    ...roles(
      ['provincial_agency'],
      "The bureau's receipt reference is the idempotency key: reporting it again books nothing (200, replayed).",
    ),
    request: {
      body: {
        required: true,
        content: json(reportContributionSchema, {
          employerId: '42',
          month: '2027-01',
          amountFen: '9350000',
          reference: 'GS-TAX-2027-000123',
        }),
      },
    },
    responses: {
      201: ok("Booked into the city's income account", contributionRecordedDoc),
      200: ok('Reported before; nothing booked again', contributionRecordedDoc),
      ...errors(400, 401, 403, 409, 422),
    },
  },
  {
    method: 'post',
    path: '/transfers',
    operationId: 'transferToProvince',
    tags: ['Transfers'],
    summary: "Move all of a city's collections of earlier months up to the provincial special account",
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
    summary: "The collection side of a city's month close",
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
      "Employers, the rates as versioned data and each employer's floating grade, the payroll declarations and contributions the tax bureau reports, what employers owe against what came in (arrears and late fees), the city income accounts and the monthly transfer up to the province. Money is integer fen written as a decimal string (100 fen = 1 yuan). Every refusal answers with the ErrorBody shape.",
    tags: [
      { name: 'Employers', description: 'Who pays contributions, in which risk class, on what payroll.' },
      {
        name: 'Rates',
        description:
          "Benchmark rates of the eight industry classes and the grades each may float to, as versions in force from their first day; each employer's grade over time.",
      },
      {
        name: 'Dues',
        description:
          'Payroll declarations, and what each employer and city owes against what came in: due, received, arrears and late fees.',
      },
      { name: 'Contributions', description: "Contributions collected by the tax bureau, booked into the city's income account." },
      { name: 'Transfers', description: 'The city-to-province transfer the cycle moves, and the collection side of reconciliation.' },
    ],
    operations: OPERATIONS,
  });
}

// The documented answers must be what the handlers return.
agree<Same<z.infer<typeof employerDoc>, ReturnType<typeof present>>>();
agree<Same<z.infer<typeof declarationRecordedDoc>, Awaited<ReturnType<typeof declarePayroll>>>>();
agree<Same<z.infer<typeof incomeAccountDoc>, IncomeAccountMonth>>();
agree<Same<z.infer<typeof employerDuesDoc>, { employerId: string; asOf: string; dues: Awaited<ReturnType<typeof employerDues>> }>>();
agree<Same<z.infer<typeof employerGradesDoc>['grades'], Awaited<ReturnType<typeof gradeHistory>>>>();
agree<Same<z.infer<typeof employerGradesDoc>['grades'], Awaited<ReturnType<typeof scheduleEmployerGrade>>>>();
agree<Same<z.infer<typeof rateVersionDoc>, RateVersion>>();
agree<Same<z.infer<typeof contributionRecordedDoc>, Awaited<ReturnType<typeof recordContribution>>>>();
agree<Same<z.infer<typeof transferResultDoc>, TransferResult>>();
agree<Same<z.infer<typeof reversalDoc>, Awaited<ReturnType<typeof reverseTransfer>>>>();
agree<Same<z.infer<typeof reconciliationDoc>, CollectionReconciliation>>();
