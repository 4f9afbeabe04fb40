import { nonNegativeFenString } from '@fund/shared';
import { z } from 'zod';
import { benefitStandardSchema } from '../benefits';

/** POST /standards: a whole new version of the benefit standards, in force from its effective month. */
export const publishStandardSchema = benefitStandardSchema;

/** POST /yearly-parameters: the published figures of a year not loaded yet, fen as strings. */
export const publishYearlyParametersSchema = z.object({
  year: z.int().min(2000).max(2100),
  averageMonthlyWageFen: nonNegativeFenString.refine((v) => BigInt(v) > 0n, 'must be positive'),
  minimumMonthlyWageFen: nonNegativeFenString.refine((v) => BigInt(v) > 0n, 'must be positive'),
  nationalUrbanDisposableIncomeFen: nonNegativeFenString.refine((v) => BigInt(v) > 0n, 'must be positive'),
});
export type PublishYearlyParametersRequest = z.infer<typeof publishYearlyParametersSchema>;
