import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('employers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('industry_class', 'smallint', (c) => c.notNull().check(sql`industry_class between 1 and 8`))
    .addColumn('rate_bp', 'integer', (c) => c.notNull().check(sql`rate_bp > 0`))
    .addColumn('monthly_payroll_fen', 'bigint', (c) => c.notNull().check(sql`monthly_payroll_fen >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('employers_city').on('employers').column('city_code').execute();

  await db.schema
    .createTable('transfers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn('contribution_count', 'integer', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('reversed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One live transfer per city and month; a reversed one may be redone.
  await db.schema
    .createIndex('transfers_one_per_city_month')
    .on('transfers')
    .columns(['month', 'city_code'])
    .unique()
    .where(sql.ref('reversed_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('contributions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('employer_id', 'bigint', (c) => c.notNull().references('employers.id'))
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('transfer_id', 'bigint', (c) => c.references('transfers.id'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('contributions_untransferred')
    .on('contributions')
    .columns(['city_code', 'month'])
    .where(sql.ref('transfer_id'), 'is', null)
    .execute();

  await db.schema
    .createTable('idempotency_records')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text')
    .addColumn('memo', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('ledger_postings')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('ledger_entries.id'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_postings_account').on('ledger_postings').column('account').execute();
  await db.schema.createIndex('ledger_postings_entry').on('ledger_postings').column('entry_id').execute();
  await db.schema
    .createTable('ledger_balances')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('balance_fen', 'bigint', (c) => c.notNull())
    .execute();
  // Every entry must balance when its transaction commits.
  await sql`
    create function ledger_entry_balanced() returns trigger language plpgsql as $$
    begin
      if (select coalesce(sum(amount_fen), 0) from ledger_postings where entry_id = new.entry_id) <> 0 then
        raise exception 'ledger entry % does not balance', new.entry_id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger ledger_postings_balanced after insert on ledger_postings
    deferrable initially deferred for each row execute function ledger_entry_balanced()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists ledger_postings_balanced on ledger_postings`.execute(db);
  await sql`drop function if exists ledger_entry_balanced()`.execute(db);
  for (const table of [
    'ledger_balances',
    'ledger_postings',
    'ledger_entries',
    'idempotency_records',
    'contributions',
    'transfers',
    'employers',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
