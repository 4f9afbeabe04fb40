import { type BudgetCommitment, type BudgetPosition, type CommitmentRelease } from '@fund/shared';
import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { fen, signedFen } from './common.schema';
import { planLineDoc } from './plans.schema';

export const budgetPositionDoc = z
  .object({
    year: z.number().int(),
    cityCode: z.string(),
    lines: z.array(z.object({ category: z.string(), budgetFen: fen, committedFen: fen, remainingFen: signedFen })),
    budgetFen: fen,
    committedFen: fen,
    remainingFen: signedFen,
  })
  .meta({ id: 'BudgetPosition', description: "A city's annual budget, its live commitments and what remains, per category and in total." });

export const budgetCommitmentDoc = z
  .object({
    commitmentId: z.string(),
    month: z.string(),
    cityCode: z.string(),
    year: z.number().int(),
    lines: z.array(planLineDoc),
    totalFen: fen,
    remainingFen: signedFen.meta({ description: "what was left of the city's whole annual budget right after this commitment" }),
    replayed: z.boolean(),
  })
  .meta({ id: 'BudgetCommitment', description: "Approved lines committed against a city's annual budget." });

export const commitmentReleaseDoc = z
  .object({
    commitmentId: z.string().nullable().meta({ description: 'null when there was no live commitment to release' }),
    releasedFen: fen,
    replayed: z.boolean(),
  })
  .meta({ id: 'CommitmentRelease' });

agree<Same<z.infer<typeof budgetPositionDoc>, BudgetPosition>>();
agree<Same<z.infer<typeof budgetCommitmentDoc>, BudgetCommitment>>();
agree<Same<z.infer<typeof commitmentReleaseDoc>, CommitmentRelease>>();
