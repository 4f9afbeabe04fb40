import path from 'node:path';
import { migrations as budgetMigrations } from '@fund/budget/migrations';
import { migrations as collectionMigrations } from '@fund/collection/migrations';
import { migrations as disbursementMigrations } from '@fund/disbursement/migrations';
import { DATA_DIR, provisionDatabase, resolvePostgres } from '@fund/infra';
import { SERVICE_NAMES, migrateToLatest } from '@fund/shared/server';
import { DATABASE_ENVIRONMENT_VARIABLE, TEST_ROLE_PASSWORD, type TestDatabaseEnvironment } from './environment';

const MIGRATIONS = { collection: collectionMigrations, budget: budgetMigrations, disbursement: disbursementMigrations };

/** What global setups leave for global teardown, on the jest process's globalThis (shared by every project). */
interface TestRun {
  database?: Promise<TestDatabaseEnvironment>;
  stops: (() => Promise<void>)[];
}

/** This jest run's state: the service and e2e projects' setups run in one process and share one PostgreSQL. */
export function testRun(): TestRun {
  const scope = globalThis as { __fundTestRun?: TestRun };
  scope.__fundTestRun ??= { stops: [] };
  return scope.__fundTestRun;
}

export const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);

async function provision(): Promise<TestDatabaseEnvironment> {
  const postgres = await resolvePostgres(path.join(DATA_DIR, 'test-postgres'), log);
  testRun().stops.push(() => postgres.stop());
  const template = `fund_test_tpl_${process.pid}_${Date.now().toString(36)}`;
  const urls = await provisionDatabase(postgres.url, template, TEST_ROLE_PASSWORD);
  for (const service of SERVICE_NAMES) {
    await migrateToLatest(urls[service].ownerUrl, service, MIGRATIONS[service]);
  }
  return { adminUrl: postgres.url, templateDatabase: template };
}

/** PostgreSQL and one migrated template database for the whole run, made once however many projects ask. */
export async function setUpPostgres(): Promise<TestDatabaseEnvironment> {
  const run = testRun();
  run.database ??= provision();
  const environment = await run.database;
  process.env[DATABASE_ENVIRONMENT_VARIABLE] = JSON.stringify(environment);
  return environment;
}

/** The service tier's global setup: PostgreSQL only, no Temporal. */
export default async function globalSetup(): Promise<void> {
  await setUpPostgres();
}
