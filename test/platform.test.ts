import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { migrateToLatest, SERVICE_NAMES } from '@fund/shared/server';
import { migrations as budgetMigrations } from '@fund/budget/migrations';
import { migrations as collectionMigrations } from '@fund/collection/migrations';
import { migrations as disbursementMigrations } from '@fund/disbursement/migrations';
import { ROOT } from '@fund/infra';
import { createTestDatabase } from './harness';

const MIGRATIONS = { collection: collectionMigrations, budget: budgetMigrations, disbursement: disbursementMigrations };

function runService(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, entry)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('platform', () => {
  let urls: Awaited<ReturnType<typeof createTestDatabase>>['urls'];
  beforeAll(async () => {
    ({ urls } = await createTestDatabase());
  });

  it.each(['collection', 'budget', 'disbursement'])(
    'the %s service refuses to start on invalid config, naming the variables',
    async (service) => {
      const { code, stderr } = await runService(`services/${service}/src/main.ts`, { PORT: 'eighty', DATABASE_URL: 'mysql://nope' });
      expect(code).toBe(78);
      expect(stderr).toContain('invalid configuration');
      expect(stderr).toMatch(/PORT: /);
      expect(stderr).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
      expect(stderr).toMatch(/DATABASE_MIGRATION_URL: /);
    },
  );

  it('the worker refuses to start without its service URLs', async () => {
    const { code, stderr } = await runService('workflows/src/main.ts', {});
    expect(code).toBe(78);
    expect(stderr).toMatch(/COLLECTION_URL: must be the collection service base URL/);
  });

  it.each(SERVICE_NAMES.flatMap((own) => SERVICE_NAMES.filter((other) => other !== own).map((other) => [own, other] as const)))(
    'the %s roles cannot read the %s schema',
    async (own, other) => {
      const table = { collection: 'employers', budget: 'idempotency_records', disbursement: 'idempotency_records' }[other];
      for (const url of [urls[own].appUrl, urls[own].ownerUrl]) {
        await expect(query(url, `select * from ${other}.${table} limit 1`)).rejects.toThrow(/permission denied for schema/);
      }
      // ...while its own schema answers.
      await expect(query(urls[own].appUrl, `select * from ${own}.idempotency_records limit 1`)).resolves.toEqual(expect.any(Array));
    },
  );

  it('the app role cannot change its schema', async () => {
    await expect(query(urls.collection.appUrl, 'create table collection.sneaky (id int)')).rejects.toThrow(/permission denied/);
  });

  it.each(SERVICE_NAMES)('%s migrations are applied once; running them again changes nothing', async (service) => {
    const shape = () =>
      query(
        urls[service].ownerUrl,
        `select table_name, column_name, data_type from information_schema.columns where table_schema = '${service}' order by 1, 2`,
      );
    const before = await shape();
    const applied = await query(urls[service].ownerUrl, `select name from ${service}.kysely_migration order by name`);
    expect(applied.length).toBe(Object.keys(MIGRATIONS[service]).length);
    expect(await migrateToLatest(urls[service].ownerUrl, service, MIGRATIONS[service])).toEqual([]);
    expect(await shape()).toEqual(before);
    expect(await query(urls[service].ownerUrl, `select name from ${service}.kysely_migration order by name`)).toEqual(applied);
  });
});
