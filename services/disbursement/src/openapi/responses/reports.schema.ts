import { PLAN_CATEGORIES } from '@fund/shared';
import { z } from 'zod';
import { fen } from './common.schema';

export const deferredDoc = z
  .object({
    entitlementId: z.string(),
    beneficiaryId: z.string(),
    name: z.string().meta({ description: "the payee's name, all but the first character masked (a hospital in full)" }),
    type: z.string(),
    category: z.enum(PLAN_CATEGORIES),
    periodMonth: z.string().nullable(),
    amountFen: fen,
  })
  .meta({ id: 'DeferredEntitlement', description: "An entitlement left out of a month's payout because finance cut the plan." });

export const deferredListDoc = z
  .object({ month: z.string(), cityCode: z.string(), deferred: z.array(deferredDoc), count: z.number().int(), totalFen: fen })
  .meta({ id: 'DeferredEntitlements', description: "Who waited in a city's month: the list up to the limit, the count and total of all." });

export const onTimeReportDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    due: z.number().int().optional(),
    paidOnTime: z.number().int().optional(),
    rate: z.number().optional(),
  })
  .meta({ id: 'OnTimeReport', description: "How much of a city's run was paid on time (empty before the run was prepared)." });
