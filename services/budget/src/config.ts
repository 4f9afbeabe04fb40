import { baseServiceConfig, loadConfig, payloadKeyConfig } from '@fund/shared/server';
import { LATEST_PAYOUT_DAY } from '@fund/shared';
import { z } from 'zod';

export const budgetConfigSchema = baseServiceConfig.extend({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TASK_QUEUE: z.string().default('fund-cycle'),
  /** 'calendar' in production; 'compressed:<ms per day>' for demos and tests. */
  CYCLE_CLOCK: z
    .string()
    .regex(/^(calendar|compressed:\d+)$/, 'must be "calendar" or "compressed:<milliseconds per day>"')
    .default('calendar'),
  /**
   * The province's payout day (day of the month): cities prepared earlier hold their payout until
   * it begins, so every beneficiary is paid the same day. Unset: each city pays once prepared.
   */
  PAYOUT_DAY: z.coerce
    .number()
    .int()
    .min(1)
    .max(LATEST_PAYOUT_DAY, `must be at most ${LATEST_PAYOUT_DAY}, before the payout early warning`)
    .optional(),
  PAYOUT_BATCH_SIZE: z.coerce.number().int().min(1).max(20_000).default(2_000),
  ACTIVITY_RETRY_INITIAL_MS: z.coerce.number().int().min(10).default(1_000),
  ACTIVITY_RETRY_MAX_MS: z.coerce.number().int().min(10).default(60_000),
  ACTIVITY_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(500).default(30_000),
  /** Payload encryption keys: the cycle API's Temporal client encrypts and decrypts like the worker. */
  ...payloadKeyConfig.shape,
});
export type BudgetConfig = z.infer<typeof budgetConfigSchema>;

/** Reads and freezes the budget service's environment. */
export function loadBudgetConfig(env: NodeJS.ProcessEnv = process.env): Readonly<BudgetConfig> {
  return loadConfig(budgetConfigSchema, env);
}
