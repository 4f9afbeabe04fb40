import { z } from 'zod';
import { cityCode } from '../cities';
import { monthString } from '../month';
import { fenString, nonNegativeFenString } from '../money';

const idempotencyKey = z.string().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters');

export const registerEmployerSchema = z.object({
  cityCode,
  name: z.string().min(1, 'must not be empty').max(200),
  industryClass: z.number().int().min(1, 'must be an industry risk class 1-8').max(8, 'must be an industry risk class 1-8'),
  monthlyPayrollFen: nonNegativeFenString,
});
export type RegisterEmployerRequest = z.infer<typeof registerEmployerSchema>;

/** The tax bureau reports a contribution it collected; `reference` is its own receipt number. */
export const reportContributionSchema = z.object({
  employerId: z.string().regex(/^\d{1,18}$/, 'must be an employer id'),
  month: monthString,
  amountFen: nonNegativeFenString.refine((v) => v !== '0', 'must be more than zero'),
  reference: z.string().min(1, 'must not be empty').max(100),
  /** The day the employer paid (province time); the late fee runs to it. Unset: the day of the report. */
  paidOn: z.iso.date('must be a date written YYYY-MM-DD').optional(),
});
export type ReportContributionRequest = z.infer<typeof reportContributionSchema>;

/** Move ALL of a city's collections for months before `month` up to the provincial account. */
export const transferRequestSchema = z.object({ month: monthString, cityCode, idempotencyKey });
export type TransferRequest = z.infer<typeof transferRequestSchema>;

export interface TransferResult {
  transferId: string;
  month: string;
  cityCode: string;
  amountFen: string;
  contributionCount: number;
  replayed: boolean;
}

export interface CollectionReconciliation {
  month: string;
  cityCode: string;
  /** Contributions swept by this month's transfer. */
  collectedFen: string;
  transferredFen: string;
  /** Contributions of earlier months still sitting in the income account (must be 0). */
  leftBehindFen: string;
  incomeBalanceFen: string;
  ledgerBalanced: boolean;
}

/** A calendar day, 'YYYY-MM-DD'. */
const dayString = z.iso.date('must be a date written YYYY-MM-DD');
/** A day on which a rate takes effect: dues are monthly, so the first of a month. */
const effectiveFrom = dayString.refine((d) => d.endsWith('-01'), 'must be the first day of a month');
const reason = z.string().trim().min(1, 'must give a reason').max(500);
const industryClassKey = z.enum(['1', '2', '3', '4', '5', '6', '7', '8'], 'must be an industry risk class 1-8');
const gradePct = z
  .number()
  .int('must be a whole percent')
  .min(1, 'must be a percent of the benchmark above 0')
  .max(300, 'must be at most 300% of the benchmark');

/** The tax bureau declares an employer's payroll for a month; `reference` is its own declaration number. */
export const declarePayrollSchema = z.object({
  employerId: z.string().regex(/^\d+$/, 'must be an employer id'),
  month: monthString,
  payrollFen: fenString.refine((v) => !v.startsWith('-'), 'must not be negative'),
  reference: z.string().min(1, 'must not be empty').max(100),
});
export type DeclarePayrollRequest = z.infer<typeof declarePayrollSchema>;

/**
 * A new version of the rates: the benchmark of each of the eight industry classes in basis points
 * of payroll, and the floating grades each class may be set to, in percent of its benchmark.
 */
export const publishRateVersionSchema = z
  .object({
    effectiveFrom,
    benchmarksBp: z.record(
      industryClassKey,
      z.number().int('must be whole basis points').min(1, 'must be at least 1 basis point').max(10_000),
    ),
    grades: z.record(
      industryClassKey,
      z
        .array(gradePct)
        .min(1, 'must list at least one grade')
        .refine((g) => g.includes(100), 'must include 100 (the benchmark itself)')
        .refine((g) => new Set(g).size === g.length, 'must not repeat a grade'),
    ),
    reason,
  })
  .superRefine((v, ctx) => {
    if ((v.grades['1'] ?? []).some((g) => g < 100)) {
      ctx.addIssue({ code: 'custom', path: ['grades', '1'], message: 'class 1 may not float below its benchmark (100%)' });
    }
  });
export type PublishRateVersionRequest = z.infer<typeof publishRateVersionSchema>;

/** An employer's floating grade from a future month (the rate review publishes these). */
export const employerGradeSchema = z.object({ effectiveFrom, gradePct, reason });
export type EmployerGradeRequest = z.infer<typeof employerGradeSchema>;

/** What one employer owed for one month and how it stands. */
export interface EmployerDue {
  employerId: string;
  name: string;
  month: string;
  /** The day the month's contribution must be paid by; the late fee runs from the day after. */
  dueDate: string;
  payrollFen: string | null;
  benchmarkBp: number | null;
  gradePct: number | null;
  dueFen: string;
  receivedFen: string;
  /** Still unpaid past the due date. */
  arrearsFen: string;
  lateFeeFen: string;
  status: 'paid' | 'part_paid' | 'in_arrears' | 'not_yet_due' | 'undeclared';
}

/** A city's income account for a month: what was due, received and is in arrears. */
export interface IncomeAccountMonth {
  cityCode: string;
  month: string;
  asOf: string;
  dueDate: string;
  declaredPayrollFen: string;
  dueFen: string;
  receivedFen: string;
  arrearsFen: string;
  lateFeeFen: string;
  employers: EmployerDue[];
}
