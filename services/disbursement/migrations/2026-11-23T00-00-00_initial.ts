import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The beneficiary register. Case facts are those of the injury case the payee draws on: a
  // dependant household carries its deceased worker's facts; a hospital has none.
  await db.schema
    .createTable('beneficiaries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('worker', 'dependant_household', 'hospital')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('id_number', 'text', (c) => c.notNull())
    .addColumn('id_number_hash', 'text', (c) => c.notNull())
    .addColumn('bank_account', 'text', (c) => c.notNull())
    .addColumn('bank_account_hash', 'text', (c) => c.notNull())
    .addColumn('bank_name', 'text', (c) => c.notNull())
    .addColumn('bank_status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('valid')
        .check(sql`bank_status in ('valid', 'invalid')`),
    )
    .addColumn('bank_verified_at', 'timestamptz')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'suspended', 'deceased', 'retired')`),
    )
    .addColumn('disability_grade', 'smallint', (c) => c.check(sql`disability_grade between 1 and 10`))
    .addColumn('own_wage_fen', 'bigint', (c) => c.check(sql`own_wage_fen >= 0`))
    .addColumn('nursing_level', 'text', (c) => c.check(sql`nursing_level in ('full', 'most', 'partial')`))
    .addColumn('injury_recognition_date', 'date')
    .addColumn('death_date', 'date')
    .addColumn('death_cause', 'text', (c) => c.check(sql`death_cause in ('work_injury', 'other')`))
    .addColumn('retirement_date', 'date')
    .addColumn('dependants', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Mirrors the benefits module's case-facts rules, so no row can reach it half-formed.
    .addCheckConstraint(
      'beneficiaries_case_facts',
      sql`kind = 'hospital' or (own_wage_fen is not null and injury_recognition_date is not null)`,
    )
    .addCheckConstraint('beneficiaries_death_cause', sql`(death_date is null) = (death_cause is null)`)
    .addCheckConstraint(
      'beneficiaries_deceased',
      sql`(status <> 'deceased' or death_date is not null) and (death_date is null or status in ('deceased', 'suspended'))`,
    )
    .addCheckConstraint('beneficiaries_retired', sql`status <> 'retired' or retirement_date is not null`)
    .execute();
  await db.schema.createIndex('beneficiaries_city').on('beneficiaries').columns(['city_code', 'id']).execute();
  await db.schema.createIndex('beneficiaries_id_number_hash').on('beneficiaries').column('id_number_hash').execute();
  await db.schema.createIndex('beneficiaries_bank_account_hash').on('beneficiaries').column('bank_account_hash').execute();
  await db.schema
    .createIndex('beneficiaries_invalid_bank')
    .on('beneficiaries')
    .column('id')
    .where(sql.ref('bank_status'), '=', 'invalid')
    .execute();

  await db.schema
    .createTable('one_time_claims')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('beneficiary_id', 'bigint', (c) => c.notNull().references('beneficiaries.id'))
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('disability_subsidy', 'death_benefits', 'medical_settlement')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'approved', 'paid')`),
    )
    // Only a hospital's medical settlement has a billed amount; the others follow the standards.
    .addColumn('billed_fen', 'bigint', (c) => c.check(sql`billed_fen > 0`))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('one_time_claims_billed', sql`(type = 'medical_settlement') = (billed_fen is not null)`)
    .addCheckConstraint('one_time_claims_approved', sql`status = 'pending' or approved_at is not null`)
    .execute();
  await db.schema.createIndex('one_time_claims_city_status').on('one_time_claims').columns(['city_code', 'status']).execute();

  await db.schema
    .createTable('receipts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn('transfer_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('receipts_one_per_city_month', ['month', 'city_code'])
    .execute();

  await db.schema
    .createTable('reservations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'released', 'consumed')`),
    )
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  // One live reservation per city and month; a released one may be made again.
  await db.schema
    .createIndex('reservations_one_live_per_city_month')
    .on('reservations')
    .columns(['month', 'city_code'])
    .unique()
    .where(sql.ref('status'), '<>', 'released')
    .execute();

  await db.schema
    .createTable('allocations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('reservation_id', 'bigint', (c) => c.notNull().references('reservations.id'))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('allocations_one_per_city_month', ['month', 'city_code'])
    .execute();

  await db.schema
    .createTable('payout_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('approved_lines', 'jsonb', (c) => c.notNull())
    .addColumn('envelope_fen', 'bigint', (c) => c.notNull())
    .addColumn('due_date', 'timestamptz', (c) => c.notNull())
    // Where the next batch starts scanning, so batch k does not re-read what batches 0..k-1 paid.
    .addColumn('cursor_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('payout_runs_one_per_city_month', ['month', 'city_code'])
    .execute();

  await db.schema
    .createTable('entitlements')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // The month whose payout run schedules it; a deferred entitlement moves to a later run.
    .addColumn('payout_month', 'text', (c) => c.notNull())
    // The month a long-term benefit is for; null for a one-time claim, which is owed once.
    .addColumn('period_month', 'text')
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('beneficiary_id', 'bigint', (c) => c.notNull().references('beneficiaries.id'))
    .addColumn('claim_id', 'bigint', (c) => c.references('one_time_claims.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ('long_term', 'one_time', 'medical', 'other')`))
    .addColumn('dependant_index', 'smallint')
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('due_date', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'held', 'deferred', 'paid', 'failed')`),
    )
    .addColumn('hold_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('entitlements_period', sql`(period_month is null) = (claim_id is not null)`)
    // Half-empty pages and no index on status let a payout's status updates stay HOT (same page, no index writes).
    .modifyEnd(sql`with (fillfactor = 50)`)
    .execute();
  // A retried preparation creates nothing new: one row per month, beneficiary, type, claim and dependant.
  await sql`
    create unique index entitlements_once on entitlements (period_month, beneficiary_id, type, claim_id, dependant_index)
    nulls not distinct`.execute(db);
  await db.schema.createIndex('entitlements_run').on('entitlements').columns(['city_code', 'payout_month', 'id']).execute();
  await db.schema.createIndex('entitlements_beneficiary').on('entitlements').column('beneficiary_id').execute();
  await db.schema
    .createIndex('entitlements_claim')
    .on('entitlements')
    .column('claim_id')
    .where(sql.ref('claim_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('payout_batches')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('payout', 'repay')`))
    .addColumn('batch_no', 'integer')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('payout_batches_numbered', sql`(kind = 'payout') = (batch_no is not null)`)
    .execute();
  await db.schema
    .createIndex('payout_batches_one_per_number')
    .on('payout_batches')
    .columns(['month', 'city_code', 'batch_no'])
    .unique()
    .where(sql.ref('kind'), '=', 'payout')
    .execute();

  // No foreign keys here: their per-row triggers halve payout throughput. Payments are written
  // only by INSERT ... SELECT from their entitlements and batch in the same transaction, and
  // entitlements and batches are never deleted.
  await db.schema
    .createTable('payments')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('batch_id', 'bigint', (c) => c.notNull())
    .addColumn('entitlement_id', 'bigint', (c) => c.notNull())
    .addColumn('beneficiary_id', 'bigint', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('attempt', 'smallint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('paid', 'failed')`))
    // Which account the instruction went to, without keeping the number twice.
    .addColumn('bank_account_hash', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Exactly once: an entitlement has at most one paid payment, whatever retries happen.
  await db.schema
    .createIndex('payments_paid_once')
    .on('payments')
    .column('entitlement_id')
    .unique()
    .where(sql.ref('status'), '=', 'paid')
    .execute();
  await db.schema
    .createIndex('payments_failed')
    .on('payments')
    .columns(['month', 'city_code', 'entitlement_id'])
    .where(sql.ref('status'), '=', 'failed')
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
    'payments',
    'payout_batches',
    'entitlements',
    'payout_runs',
    'allocations',
    'reservations',
    'receipts',
    'one_time_claims',
    'beneficiaries',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
