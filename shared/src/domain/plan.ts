import { z } from 'zod';
import { nonNegativeFenString } from '../money';

export const PLAN_CATEGORIES = ['long_term', 'one_time', 'medical', 'other'] as const;
export type PlanCategory = (typeof PLAN_CATEGORIES)[number];

/** One line of a city's expenditure plan. */
export const planLineSchema = z.object({
  category: z.enum(PLAN_CATEGORIES),
  count: z.number().int('must be a whole number').min(0, 'must not be negative'),
  amountFen: nonNegativeFenString,
});
export type PlanLine = z.infer<typeof planLineSchema>;

export const planLinesSchema = z
  .array(planLineSchema)
  .min(1, 'a plan needs at least one line')
  .refine((lines) => new Set(lines.map((l) => l.category)).size === lines.length, {
    message: 'each category may appear only once',
  });

export type PlanStatus = 'awaiting' | 'submitted' | 'hrss_approved' | 'approved' | 'returned';
