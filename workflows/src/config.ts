import { authSecret, loadConfig, payloadKeyConfig } from '@fund/shared/server';
import { z } from 'zod';

export const workerConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TASK_QUEUE: z.string().default('fund-cycle'),
  COLLECTION_URL: z.url({ error: 'must be the collection service base URL, e.g. http://127.0.0.1:4101' }),
  BUDGET_URL: z.url({ error: 'must be the budget service base URL, e.g. http://127.0.0.1:4102' }),
  DISBURSEMENT_URL: z.url({ error: 'must be the disbursement service base URL, e.g. http://127.0.0.1:4103' }),
  /** Signs the short-lived `system` tokens the activities present to the services. */
  AUTH_JWT_SECRET: authSecret,
  OVERDUE_WEBHOOK_URL: z.url({ error: 'must be a URL' }).optional(),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Payload encryption keys (see payloadKeyConfig): the worker encrypts everything it sends to Temporal. */
  ...payloadKeyConfig.shape,
  /** Where the worker serves its own Prometheus metrics (activity outcomes, Node); unset: not served. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Where the Temporal SDK's runtime serves its Prometheus metrics; unset: not served. */
  SDK_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
});
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Reads and freezes the worker's environment. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): Readonly<WorkerConfig> {
  return loadConfig(workerConfigSchema, env);
}
