import { errorResponses, ok } from '@fund/shared/server';
import type { z } from 'zod';

/** The refusals the disbursement service answers with, by status. */
export const errors = errorResponses({
  404: 'NOT_FOUND: no such beneficiary or hold',
  409: "CONFLICT: the step was already done under another key, or its turn has not come (nothing reserved, allocated or prepared yet); INSUFFICIENT_POOL: the pool's or the city's account cannot cover it; IDEMPOTENCY_CONFLICT: the key was used for a different request",
  422: 'VALIDATION_FAILED: the request is well formed but cannot be carried out (the bank could not verify the account; an entitlement cannot be computed from the register)',
});

/** The guard's note on a step only the cycle worker calls. */
export const BY_THE_CYCLE =
  'Called by the cycle worker; idempotent by idempotencyKey (the same key and request answers the first result, replayed: true).';
/** The guard's note on a route a city agency may call for its own city. */
export const OWN_CITY = 'A city agency only for its own city.';
/** Who may read the register and failed payments. */
export const REGISTER_READERS = ['city_agency', 'provincial_agency', 'operator'] as const;

/** A money step of the cycle: 201 when done now, 200 when the key replays an earlier answer. */
export function moved(what: string, schema: z.ZodType) {
  return { 201: ok(what, schema), 200: ok('Replayed: the first answer of this key', schema) };
}
