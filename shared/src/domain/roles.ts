import { z } from 'zod';
import { cityCode } from '../cities';

/** The roles people hold; every human step of the cycle names one of these. */
export const HUMAN_ROLES = ['city_agency', 'hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator'] as const;
export type HumanRole = (typeof HUMAN_ROLES)[number];

/** The role of the system's own calls (the cycle worker's activities); no human step accepts it. */
export const SYSTEM_ROLE = 'system';

/** Every role a token may carry. */
export const ROLES = [...HUMAN_ROLES, SYSTEM_ROLE] as const;
export type Role = (typeof ROLES)[number];

/** The person (or agency system) behind a call, as the API established it. */
export const actorSchema = z.object({
  userId: z.string().min(1, 'must name the user'),
  role: z.enum(ROLES),
  cityCode: cityCode.optional(),
  from: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;
