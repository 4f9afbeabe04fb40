import { cityCode, monthString } from '@fund/shared';
import { z } from 'zod';

/** POST /holds/:entitlementId/release|cancel: a reviewer's decision always says why. */
export const holdDecisionSchema = z.object({
  reason: z.string().trim().min(3, 'must say why, in at least 3 characters').max(2000),
});
export type HoldDecisionRequest = z.infer<typeof holdDecisionSchema>;

/** GET /holds */
export const listHoldsQuery = z.object({
  month: monthString,
  cityCode: cityCode.optional(),
  status: z.enum(['open', 'released', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
});

export const entitlementParam = z.object({ entitlementId: z.string().regex(/^\d{1,18}$/, 'must be an entitlement id') });

/** GET /audit */
export const listAuditQuery = z.object({
  entitlementId: z
    .string()
    .regex(/^\d{1,18}$/, 'must be an entitlement id')
    .optional(),
  month: monthString.optional(),
  cityCode: cityCode.optional(),
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'must be an audit row id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
