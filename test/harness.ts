import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Role } from '@fund/shared';
import { issueToken, type ServiceName } from '@fund/shared/server';
import { provisionDatabase, type ServiceDatabaseUrls } from '@fund/infra';
import { readTestDatabaseEnvironment, TEST_PAYLOAD_KEY, TEST_ROLE_PASSWORD, TEST_SECRET } from './environment';

/** A fresh database cloned from the migrated template: each test file gets its own. */
export async function createTestDatabase(): Promise<{ name: string; urls: Record<ServiceName, ServiceDatabaseUrls> }> {
  const environment = readTestDatabaseEnvironment();
  const suffix = environment.templateDatabase.replace('fund_test_tpl_', '');
  const name = `fund_test_${randomBytes(4).toString('hex')}_${suffix}`;
  const admin = new Client({ connectionString: environment.adminUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${environment.templateDatabase}"`);
        break;
      } catch (error) {
        // Two files cloning the template at the same instant: PostgreSQL refuses the second; wait and retry.
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
      }
    }
  } finally {
    await admin.end();
  }
  const urls = await provisionDatabase(environment.adminUrl, name, TEST_ROLE_PASSWORD);
  return { name, urls };
}

/** An `authorization` header for a test caller in `role`, signed with TEST_SECRET. */
export async function authHeader(role: Role, user: { userId?: string; cityCode?: string } = {}): Promise<{ authorization: string }> {
  const token = await issueToken(TEST_SECRET, {
    userId: user.userId ?? `test-${role}`,
    role,
    ...(user.cityCode ? { cityCode: user.cityCode } : {}),
  });
  return { authorization: `Bearer ${token}` };
}

/** The register encryption key of every disbursement service a test starts (base64, 32 bytes). */
export const TEST_REGISTER_KEY = 'q0ZxK7o3Hq1mTQ8bX2oV4yJt9cWl6nR5sPe0uA1dG3k=';

/** The environment a service process would be given, pointing at a test database; tokens are signed with TEST_SECRET. */
export function serviceEnv(urls: ServiceDatabaseUrls, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PORT: '0',
    DATABASE_URL: urls.appUrl,
    DATABASE_MIGRATION_URL: urls.ownerUrl,
    LOG_LEVEL: 'silent',
    AUTH_JWT_SECRET: TEST_SECRET,
    PAYLOAD_KEY: TEST_PAYLOAD_KEY,
    REGISTER_KEY: TEST_REGISTER_KEY,
    ...extra,
  };
}
