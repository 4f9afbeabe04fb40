import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { readTestDatabaseEnvironment } from '@fund/test/environment';
import { createTestDatabase } from '@fund/test/harness';
import type { ServiceName } from './db';
import { postEntry } from './ledger';
import { createIdempotencyTable, createLedgerTables } from './migration-helpers';

const LEDGER_TABLES = ['ledger_entries', 'ledger_postings', 'ledger_balances'];
const IDEMPOTENCY_TABLES = ['idempotency_records'];

/** The tables each service's initial migration wrote out that the helpers now make. */
const MADE_BY_INITIAL_MIGRATION: Record<ServiceName, string[]> = {
  collection: [...IDEMPOTENCY_TABLES, ...LEDGER_TABLES],
  budget: IDEMPOTENCY_TABLES,
  disbursement: [...IDEMPOTENCY_TABLES, ...LEDGER_TABLES],
};

/** Everything the catalogs say about some tables of a schema, with the schema's name taken out. */
async function describeTables(db: Kysely<any>, schema: string, tables: string[]) {
  const unqualify = (text: string | null) => text?.replaceAll(`"${schema}".`, '').replaceAll(`${schema}.`, '') ?? null;
  const columns = await sql<Record<string, unknown>>`
    select table_name, column_name, ordinal_position, data_type, is_nullable, column_default, is_identity
    from information_schema.columns
    where table_schema = ${schema} and table_name = any(${tables})
    order by table_name, ordinal_position`.execute(db);
  const constraints = await sql<{ table: string; name: string; type: string; definition: string; deferrable: boolean; deferred: boolean }>`
    select r.relname as table, c.conname as name, c.contype::text as type, pg_get_constraintdef(c.oid) as definition,
      c.condeferrable as deferrable, c.condeferred as deferred
    from pg_constraint c join pg_class r on r.oid = c.conrelid join pg_namespace n on n.oid = r.relnamespace
    where n.nspname = ${schema} and r.relname = any(${tables})
    order by r.relname, c.conname`.execute(db);
  const indexes = await sql<{ table: string; name: string; definition: string }>`
    select tablename as table, indexname as name, indexdef as definition
    from pg_indexes where schemaname = ${schema} and tablename = any(${tables})
    order by tablename, indexname`.execute(db);
  const triggers = await sql<{ table: string; name: string; definition: string; source: string; language: string }>`
    select r.relname as table, t.tgname as name, pg_get_triggerdef(t.oid) as definition, p.prosrc as source, l.lanname as language
    from pg_trigger t join pg_class r on r.oid = t.tgrelid join pg_namespace n on n.oid = r.relnamespace
      join pg_proc p on p.oid = t.tgfoid join pg_language l on l.oid = p.prolang
    where n.nspname = ${schema} and r.relname = any(${tables}) and not t.tgisinternal
    order by r.relname, t.tgname`.execute(db);
  return {
    columns: columns.rows.map((c) => ({ ...c, column_default: unqualify(c.column_default as string | null) })),
    constraints: constraints.rows.map((c) => ({ ...c, definition: unqualify(c.definition) })),
    indexes: indexes.rows.map((i) => ({ ...i, definition: unqualify(i.definition) })),
    triggers: triggers.rows.map((t) => ({ ...t, definition: unqualify(t.definition) })),
  };
}

describe('the ledger and idempotency tables of the migration helpers', () => {
  let admin: Kysely<any>;
  let fresh: Kysely<any>;
  const SCHEMA = 'helper_made';

  beforeAll(async () => {
    const { name } = await createTestDatabase();
    const url = new URL(readTestDatabaseEnvironment().adminUrl);
    url.pathname = `/${name}`;
    admin = new Kysely({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url.toString(), max: 1 }) }) });
    // A new migration runs with its service's schema on the search_path; so does this one.
    fresh = new Kysely({
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: url.toString(), max: 1, options: `-c search_path=${SCHEMA}` }) }),
    });
    await sql`create schema ${sql.id(SCHEMA)}`.execute(admin);
    await createIdempotencyTable(fresh, SCHEMA);
    await createLedgerTables(fresh, SCHEMA);
  });
  afterAll(async () => {
    await fresh?.destroy();
    await admin?.destroy();
  });

  it.each(Object.entries(MADE_BY_INITIAL_MIGRATION))(
    "are what the %s service's migrations made: columns, constraints, indexes, triggers",
    async (service, tables) => {
      const migrated = await describeTables(admin, service, tables);
      const made = await describeTables(admin, SCHEMA, tables);
      expect(migrated.columns.length).toBeGreaterThan(0);
      expect(made).toEqual(migrated);
    },
  );

  it('make a ledger that posts a balanced entry and refuses one that does not balance when it commits', async () => {
    await fresh.transaction().execute((trx) =>
      postEntry(trx, {
        idempotencyKey: 'helper:1',
        kind: 'test',
        month: '2027-02',
        cityCode: null,
        postings: [
          { account: 'a', amountFen: 5n },
          { account: 'b', amountFen: -5n },
        ],
      }),
    );
    await expect(
      fresh.transaction().execute(async (trx) => {
        const entry = await trx
          .insertInto('ledger_entries')
          .values({ idempotency_key: 'helper:2', kind: 'test', month: '2027-02' })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('ledger_postings').values({ entry_id: entry.id, account: 'a', amount_fen: '7' }).execute();
      }),
    ).rejects.toThrow(/does not balance/);
    const balances = await fresh.selectFrom('ledger_balances').select(['account', 'balance_fen']).orderBy('account').execute();
    expect(balances).toEqual([
      { account: 'a', balance_fen: '5' },
      { account: 'b', balance_fen: '-5' },
    ]);
  });
});
