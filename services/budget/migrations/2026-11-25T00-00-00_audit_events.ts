import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code, so the actions are spelled out.
const HASH_CHECK = (column: string) => sql`${sql.ref(column)} ~ '^[0-9a-f]{64}$'`;

/**
 * The audit trail of decisions and refused attempts: append-only (no role keeps UPDATE, DELETE
 * or TRUNCATE, and a trigger refuses them even to the owner) and hash-chained.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // Millisecond precision: the hash covers the instant as JavaScript reads it back.
    .addColumn('at', 'timestamptz', (c) => c.notNull().check(sql`at = date_trunc('milliseconds', at)`))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('from_ip', 'text')
    .addColumn('action', 'text', (c) =>
      c.notNull().check(sql`action in ('submit_plan', 'hrss_decision', 'finance_decision', 'repay_returned')`),
    )
    .addColumn('decision', 'text')
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('plan_version', 'integer')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('accepted', 'refused')`))
    .addColumn('rule', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull().check(HASH_CHECK('prev_hash')))
    .addColumn('hash', 'text', (c) => c.notNull().unique().check(HASH_CHECK('hash')))
    .execute();
  await db.schema.createIndex('audit_events_month_city').on('audit_events').columns(['month', 'city_code', 'id']).execute();

  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_events_no_update_delete before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);
  await sql`
    create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);

  // The schema's default privileges gave the app role update and delete on every new table
  // (fund_budget_app under `npm start`): take them back from whoever holds them, the owner included.
  await sql`revoke update, delete, truncate on audit_events from public`.execute(db);
  await sql`
    do $$
    declare holder text;
    begin
      for holder in
        select distinct a.grantee::regrole::text
        from pg_class c, aclexplode(c.relacl) a
        where c.oid = 'audit_events'::regclass and a.grantee <> 0 and a.privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE')
      loop
        execute format('revoke update, delete, truncate on audit_events from %s', holder);
      end loop;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
  await sql`drop function audit_events_append_only()`.execute(db);
}
