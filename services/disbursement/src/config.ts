import { z } from 'zod';
import { baseServiceConfig, loadConfig } from '@fund/shared/server';
import { registerKeyConfig } from './register/register-cipher';

/**
 * The disbursement service's environment: the shared service variables (database, AUTH_JWT_SECRET,
 * SEED_DEMO, DEMO_BENEFICIARIES), the register key (REGISTER_KEY, REGISTER_PREVIOUS_KEYS: the
 * service does not start without it) and its own.
 */
export const disbursementConfigSchema = baseServiceConfig.extend({
  ...registerKeyConfig.shape,
  /**
   * Cities paid at once on the province's payout day: the database's cores plus one, which keeps
   * them busy across each batch's round trips; more only queue (docs/benchmarks.md).
   */
  PROVINCIAL_PAYOUT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(3),
});
export type DisbursementConfig = ReturnType<typeof loadDisbursementConfig>;

/** Reads and freezes the disbursement service's environment. */
export function loadDisbursementConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(disbursementConfigSchema, env);
}
