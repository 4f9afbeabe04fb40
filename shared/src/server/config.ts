import { z } from 'zod';
import { requestLimitsConfig } from './limits';

/** Thrown at boot when the environment does not satisfy a process's config schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once, names every bad variable, and freezes the result. */
export function loadConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): Readonly<z.infer<T>> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  return Object.freeze(parsed.data);
}

/** The API signing secret, shared by the services, the worker and the CLI. */
export const authSecret = z.string().min(32, 'must be a signing secret of at least 32 characters');

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Variables every service reads. */
export const baseServiceConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65535),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL for this service's app role" }),
  DATABASE_MIGRATION_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL for this service's owner role" }),
  LOG_LEVEL: logLevel,
  SEED_DEMO: z.stringbool().default(false),
  DEMO_BENEFICIARIES: z.coerce.number().int().min(14).max(2_000_000).default(20_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** HS256 secret every API token is signed with; each service verifies, the worker signs its own calls. */
  AUTH_JWT_SECRET: authSecret,
  /** Body size, JSON depth and the rate per token subject (see limits.ts for the defaults). */
  ...requestLimitsConfig.shape,
});
export type BaseServiceConfig = z.infer<typeof baseServiceConfig>;
