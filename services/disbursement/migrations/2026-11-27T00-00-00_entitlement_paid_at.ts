import { sql, type Kysely } from 'kysely';

/**
 * Entitlements record when they were paid (`paid_at`, the paying transaction's time, as its
 * payment row's `created_at`), so a run's progress and on-time rate read the run's own rows
 * instead of joining every payment. Existing paid entitlements take it from their paid payment.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('entitlements').addColumn('paid_at', 'timestamptz').execute();
  await sql`
    update entitlements e set paid_at = p.created_at
    from payments p where p.entitlement_id = e.id and p.status = 'paid' and e.status = 'paid'`.execute(db);
  // Paid is final: a paid entitlement has its time, no other has one.
  await sql`alter table entitlements add constraint entitlements_paid_at check ((status = 'paid') = (paid_at is not null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('entitlements').dropColumn('paid_at').execute();
}
