import { Client } from 'pg';
import { readTestEnvironment } from './environment';

/** Stops the shared servers and drops the run's databases. */
export default async function globalTeardown(): Promise<void> {
  const environment = readTestEnvironment();
  const admin = new Client({ connectionString: environment.adminUrl });
  await admin.connect();
  try {
    const suffix = environment.templateDatabase.replace('fund_test_tpl_', '');
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like 'fund_test_%' and datname like '%' || $1 || '%'`,
      [suffix],
    );
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await admin.end();
  }
  const teardown = (globalThis as Record<string, unknown>).__fundTestTeardown as (() => Promise<void>) | undefined;
  await teardown?.();
}
