import { baseServiceConfig, loadConfig } from '@fund/shared/server';

/** The disbursement service's environment (the shared service variables: database, AUTH_JWT_SECRET, SEED_DEMO, DEMO_BENEFICIARIES). */
export const disbursementConfigSchema = baseServiceConfig;
export type DisbursementConfig = ReturnType<typeof loadDisbursementConfig>;

/** Reads and freezes the disbursement service's environment. */
export function loadDisbursementConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(disbursementConfigSchema, env);
}
