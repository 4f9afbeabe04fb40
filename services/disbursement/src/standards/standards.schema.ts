import { nonNegativeFenString } from '@fund/shared';
import { z } from 'zod';
import { benefitStandardSchema } from '../benefits';

const WHOLE_WAGE_BP = 10_000;

/**
 * POST /standards: a whole new version of the benefit standards, in force from its effective
 * month. Art. 39 measures every dependant's pension, and their total, against the worker's own
 * wage and never beyond it, so a version whose shares (bonus included) or total cap pass 100% is
 * refused: it could only ever be paid capped, and the figures say something the rule does not.
 */
export const publishStandardSchema = benefitStandardSchema.superRefine((standard, ctx) => {
  const { spouseBp, otherDependantBp, loneElderlyOrOrphanBonusBp, totalCapBp } = standard.dependantPension;
  const over = (field: string, bp: number, what: string) => {
    if (bp > WHOLE_WAGE_BP)
      ctx.addIssue({ code: 'custom', path: ['dependantPension', field], message: `${what} is at most 100% of the own wage (Art. 39)` });
  };
  over('spouseBp', spouseBp + loneElderlyOrOrphanBonusBp, "a spouse's share with the lone-elderly/orphan bonus");
  over('otherDependantBp', otherDependantBp + loneElderlyOrOrphanBonusBp, "a dependant's share with the lone-elderly/orphan bonus");
  over('totalCapBp', totalCapBp, "the dependants' total");
});

/** POST /yearly-parameters: the published figures of a year not loaded yet, fen as strings. */
export const publishYearlyParametersSchema = z.object({
  year: z.int().min(2000).max(2100),
  averageMonthlyWageFen: nonNegativeFenString.refine((v) => BigInt(v) > 0n, 'must be positive'),
  minimumMonthlyWageFen: nonNegativeFenString.refine((v) => BigInt(v) > 0n, 'must be positive'),
  nationalUrbanDisposableIncomeFen: nonNegativeFenString.refine((v) => BigInt(v) > 0n, 'must be positive'),
});
export type PublishYearlyParametersRequest = z.infer<typeof publishYearlyParametersSchema>;
