import { Client } from 'pg';
import { testRun } from './global-setup-postgres';

/** Drops the run's databases and stops the servers the global setups started; once, however many projects end. */
export default async function globalTeardown(): Promise<void> {
  const run = testRun();
  const database = run.database;
  const stops = run.stops.splice(0);
  delete run.database;
  if (database) {
    const { adminUrl, templateDatabase } = await database;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const suffix = templateDatabase.replace('fund_test_tpl_', '');
      const { rows } = await admin.query<{ datname: string }>(
        `select datname from pg_database where datname like 'fund_test_%' and datname like '%' || $1 || '%'`,
        [suffix],
      );
      for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    } finally {
      await admin.end();
    }
  }
  for (const stop of stops) await stop();
}
