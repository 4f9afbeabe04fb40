import { z } from 'zod';
import { cityCode } from '../cities';
import { monthString } from '../month';
import { nonNegativeFenString } from '../money';

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
