import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code, so every rule name is spelled out.
const HASH_CHECK = (column: string) => sql`${sql.ref(column)} ~ '^[0-9a-f]{64}$'`;
const MONTH_CHECK = (column: string) => sql`${sql.ref(column)} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`;

/** Refuses UPDATE, DELETE and TRUNCATE on `table` to everyone, the owner included. */
async function appendOnly(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.raw(`${table}_no_update_delete`)} before update or delete on ${sql.table(table)}
    for each row execute function append_only()`.execute(db);
  await sql`
    create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
    for each statement execute function append_only()`.execute(db);
  // The schema's default privileges gave the app role update and delete on every new table: take them back.
  await sql`revoke update, delete, truncate on ${sql.table(table)} from public`.execute(db);
  await sql`
    do $$
    declare holder text;
    begin
      for holder in
        select distinct a.grantee::regrole::text
        from pg_class c, aclexplode(c.relacl) a
        where c.oid = ${sql.lit(table)}::regclass and a.grantee <> 0 and a.privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE')
      loop
        execute format('revoke update, delete, truncate on %I from %s', ${sql.lit(table)}, holder);
      end loop;
    end
    $$`.execute(db);
}

/**
 * Benefit standards and yearly parameters as versioned data (append-only: a published version is
 * never rewritten), fraud holds with their review, and the disbursement audit trail (append-only,
 * hash-chained: holds, their release or cancellation, and publications). Entitlements gain the 'cancelled' status (a held payment a reviewer stopped).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);

  await db.schema
    .createTable('benefit_standards')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('effective_month', 'text', (c) => c.notNull().unique().check(MONTH_CHECK('effective_month')))
    // The whole standard as published (the benefits module's benefitStandardSchema).
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_role', 'text', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('benefit_standards_body_matches', sql`body->>'version' = version and body->>'effectiveMonth' = effective_month`)
    .execute();
  await appendOnly(db, 'benefit_standards');

  await db.schema
    .createTable('yearly_parameters')
    .addColumn('year', 'integer', (c) => c.primaryKey().check(sql`year between 2000 and 2100`))
    .addColumn('average_monthly_wage_fen', 'bigint', (c) => c.notNull().check(sql`average_monthly_wage_fen > 0`))
    .addColumn('minimum_monthly_wage_fen', 'bigint', (c) => c.notNull().check(sql`minimum_monthly_wage_fen > 0`))
    .addColumn('national_urban_disposable_income_fen', 'bigint', (c) => c.notNull().check(sql`national_urban_disposable_income_fen > 0`))
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_role', 'text', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await appendOnly(db, 'yearly_parameters');

  await sql`alter table entitlements drop constraint entitlements_status_check`.execute(db);
  await sql`
    alter table entitlements add constraint entitlements_status_check
    check (status in ('pending', 'held', 'deferred', 'paid', 'failed', 'cancelled'))`.execute(db);
  await db.schema
    .alterTable('entitlements')
    .addColumn('hold_rules', sql`text[]`)
    .execute();
  // Which version of its beneficiary's case facts an entitlement was computed from, and the amount
  // computed: the batch screening recomputes the standard only where either changed since (null:
  // always recompute). A trigger bumps the version whenever a case fact changes.
  await db.schema
    .alterTable('beneficiaries')
    .addColumn('facts_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`
    create function beneficiaries_facts_version() returns trigger language plpgsql as $$
    begin
      if (old.status, old.disability_grade, old.own_wage_fen, old.nursing_level, old.injury_recognition_date, old.death_date,
          old.death_cause, old.retirement_date, old.dependants)
         is distinct from
         (new.status, new.disability_grade, new.own_wage_fen, new.nursing_level, new.injury_recognition_date, new.death_date,
          new.death_cause, new.retirement_date, new.dependants) then
        new.facts_version := old.facts_version + 1;
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger beneficiaries_facts_version before update on beneficiaries
    for each row execute function beneficiaries_facts_version()`.execute(db);
  // ID numbers and bank accounts (hashes) that more than one beneficiary of the register carries,
  // kept by the register's own writes, so a payout batch finds its suspects with a join to a few
  // rows instead of probing the register per payment. Never pruned: an entry that is no longer
  // shared costs one extra look, never a missed one. Writers serialise on one advisory lock, so two
  // registrations of the same number in two transactions see each other.
  await db.schema
    .createTable('shared_identifiers')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('id_number', 'bank_account')`))
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('shared_identifiers_pkey', ['kind', 'hash'])
    .execute();
  await sql`
    insert into shared_identifiers (kind, hash)
    select 'id_number', id_number_hash from beneficiaries group by id_number_hash having count(*) > 1
    union all
    select 'bank_account', bank_account_hash from beneficiaries group by bank_account_hash having count(*) > 1`.execute(db);
  await sql`
    create function beneficiaries_shared_identifiers() returns trigger language plpgsql set search_path from current as $$
    begin
      perform pg_advisory_xact_lock(hashtextextended('disbursement.shared_identifiers', 0));
      insert into shared_identifiers (kind, hash)
      select 'id_number', h.hash from (select distinct id_number_hash as hash from new_rows) h
      where (select count(*) from beneficiaries b where b.id_number_hash = h.hash) > 1
      union all
      select 'bank_account', h.hash from (select distinct bank_account_hash as hash from new_rows) h
      where (select count(*) from beneficiaries b where b.bank_account_hash = h.hash) > 1
      on conflict do nothing;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger beneficiaries_shared_on_insert after insert on beneficiaries
    referencing new table as new_rows for each statement execute function beneficiaries_shared_identifiers()`.execute(db);
  await sql`
    create trigger beneficiaries_shared_on_update after update on beneficiaries
    referencing new table as new_rows for each statement execute function beneficiaries_shared_identifiers()`.execute(db);

  await db.schema.alterTable('entitlements').addColumn('facts_version', 'integer').execute();
  await db.schema.alterTable('entitlements').addColumn('computed_fen', 'bigint').execute();
  // When the run's last payout batch finished: a hold released after it is paid at once.
  await db.schema.alterTable('payout_runs').addColumn('batches_done_at', 'timestamptz').execute();

  // One hold per entitlement: a released one is not screened again, a cancelled one is never paid.
  await db.schema
    .createTable('payment_holds')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('entitlement_id', 'bigint', (c) => c.notNull().unique().references('entitlements.id'))
    .addColumn('beneficiary_id', 'bigint', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('rules', sql`text[]`, (c) => c.notNull().check(sql`cardinality(rules) > 0`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'released', 'cancelled')`),
    )
    .addColumn('held_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addColumn('decided_role', 'text')
    .addColumn('decision_reason', 'text')
    .addCheckConstraint('payment_holds_decided', sql`(status = 'open') = (decided_at is null)`)
    .execute();
  await db.schema.createIndex('payment_holds_run').on('payment_holds').columns(['month', 'city_code', 'status']).execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // Millisecond precision: the hash covers the instant as JavaScript reads it back.
    .addColumn('at', 'timestamptz', (c) => c.notNull().check(sql`at = date_trunc('milliseconds', at)`))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('from_ip', 'text')
    .addColumn('action', 'text', (c) =>
      c.notNull().check(sql`action in ('hold', 'release', 'cancel', 'publish_standard', 'publish_yearly_parameters')`),
    )
    .addColumn('entitlement_id', 'bigint')
    .addColumn('month', 'text')
    .addColumn('city_code', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull().check(HASH_CHECK('prev_hash')))
    .addColumn('hash', 'text', (c) => c.notNull().unique().check(HASH_CHECK('hash')))
    .execute();
  await db.schema.createIndex('audit_events_entitlement').on('audit_events').columns(['entitlement_id', 'id']).execute();
  await appendOnly(db, 'audit_events');
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
  await db.schema.dropTable('payment_holds').execute();
  await db.schema.alterTable('payout_runs').dropColumn('batches_done_at').execute();
  await sql`drop trigger beneficiaries_shared_on_update on beneficiaries`.execute(db);
  await sql`drop trigger beneficiaries_shared_on_insert on beneficiaries`.execute(db);
  await sql`drop function beneficiaries_shared_identifiers()`.execute(db);
  await db.schema.dropTable('shared_identifiers').execute();
  await db.schema.alterTable('entitlements').dropColumn('computed_fen').execute();
  await db.schema.alterTable('entitlements').dropColumn('facts_version').execute();
  await sql`drop trigger beneficiaries_facts_version on beneficiaries`.execute(db);
  await sql`drop function beneficiaries_facts_version()`.execute(db);
  await db.schema.alterTable('beneficiaries').dropColumn('facts_version').execute();
  await db.schema.alterTable('entitlements').dropColumn('hold_rules').execute();
  await sql`alter table entitlements drop constraint entitlements_status_check`.execute(db);
  await sql`alter table entitlements add constraint entitlements_status_check check (status in ('pending', 'held', 'deferred', 'paid', 'failed'))`.execute(
    db,
  );
  await db.schema.dropTable('yearly_parameters').execute();
  await db.schema.dropTable('benefit_standards').execute();
  await sql`drop function append_only()`.execute(db);
}
