import { sql, type Kysely } from 'kysely';

// For new migrations only: the frozen initial migrations write these tables out themselves, and
// migration-helpers.test.ts checks that what these functions make is what those migrations made.
// A migration that calls them is no longer frozen in time against changes here, so never change
// what they create; a different ledger is a new function.

/**
 * Creates the idempotency table that `once` reads and writes (see idempotency.ts) in `schema`.
 */
export async function createIdempotencyTable(db: Kysely<any>, schema: string): Promise<void> {
  await db.schema
    .withSchema(schema)
    .createTable('idempotency_records')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

/**
 * Creates the double-entry tables `postEntry` writes (entries, postings, running balances; see
 * ledger.ts) in `schema`, and the deferred trigger that refuses an entry that does not balance at
 * commit. The trigger's function names the postings table without a schema, as the services'
 * migrations do: it reads the one on the search_path, which for every service is its own schema.
 */
export async function createLedgerTables(db: Kysely<any>, schema: string): Promise<void> {
  const ddl = db.schema.withSchema(schema);
  await ddl
    .createTable('ledger_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text')
    .addColumn('memo', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await ddl
    .createTable('ledger_postings')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('ledger_entries.id'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .execute();
  await ddl.createIndex('ledger_postings_account').on('ledger_postings').column('account').execute();
  await ddl.createIndex('ledger_postings_entry').on('ledger_postings').column('entry_id').execute();
  await ddl
    .createTable('ledger_balances')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('balance_fen', 'bigint', (c) => c.notNull())
    .execute();
  // The function's body is the services' text to the character, so the catalogs hold the same source.
  await sql`
    create function ${sql.id(schema, 'ledger_entry_balanced')}() returns trigger language plpgsql as $$
    begin
      if (select coalesce(sum(amount_fen), 0) from ledger_postings where entry_id = new.entry_id) <> 0 then
        raise exception 'ledger entry % does not balance', new.entry_id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger ledger_postings_balanced after insert on ${sql.id(schema, 'ledger_postings')}
    deferrable initially deferred for each row execute function ${sql.id(schema, 'ledger_entry_balanced')}()`.execute(db);
}
