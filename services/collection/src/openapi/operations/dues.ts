import { declarePayrollSchema, type IncomeAccountMonth } from '@fund/shared';
import { agree, errorResponses, json, ok, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { declarePayroll } from '../../dues/declaration.repository';
import type { employerDues } from '../../dues/dues.repository';
import { accountParams, asOf, employerQuery as duesQuery } from '../../dues/dues.routes';
import { DUES_READERS, employerErrors, employerParams, errors, fen, OWN_CITY } from './common';

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

const declarationErrors = errorResponses({
  409: 'CONFLICT: the employer already declared its payroll for the month under another reference; IDEMPOTENCY_CONFLICT: the reference was used for a different declaration',
  422: 'VALIDATION_FAILED: the employer named is not registered',
});

/** One employer's dues month by month. */
export const employerDuesOperations: ApiOperation[] = [
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
];

/** The payroll declarations the tax bureau makes, and a city's income account for a month. */
export const declarationOperations: ApiOperation[] = [
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
];

agree<Same<z.infer<typeof declarationRecordedDoc>, Awaited<ReturnType<typeof declarePayroll>>>>();
agree<Same<z.infer<typeof incomeAccountDoc>, IncomeAccountMonth>>();
agree<Same<z.infer<typeof employerDuesDoc>, { employerId: string; asOf: string; dues: Awaited<ReturnType<typeof employerDues>> }>>();
