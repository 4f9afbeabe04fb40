import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { publishStandardSchema } from '../../standards/standards.schema';
import type { StoredStandard, StoredYearlyParameters } from '../../standards/standards.repository';
import { fen, instant } from './common.schema';

const publication = { publishedBy: z.string(), publishedRole: z.string(), publishedAt: instant };

export const storedStandardDoc = z
  .object({ version: z.string(), effectiveMonth: z.string(), ...publication, standard: publishStandardSchema })
  .meta({ id: 'StoredStandard', description: 'A published version of the benefit standards.' });

export const storedYearlyDoc = z
  .object({
    year: z.number().int(),
    averageMonthlyWageFen: fen,
    minimumMonthlyWageFen: fen,
    nationalUrbanDisposableIncomeFen: fen,
    ...publication,
  })
  .meta({ id: 'StoredYearlyParameters', description: "A year's published wage and income figures." });

export const standardsListDoc = z
  .object({
    standards: z.array(storedStandardDoc),
    yearlyParameters: z.array(storedYearlyDoc),
    earliestNewEffectiveMonth: z
      .string()
      .nullable()
      .meta({ description: 'the first month a new version may take effect in (after the last prepared payout)' }),
  })
  .meta({ id: 'Standards' });

agree<Same<z.infer<typeof storedStandardDoc>, StoredStandard>>();
agree<Same<z.infer<typeof storedYearlyDoc>, StoredYearlyParameters>>();
