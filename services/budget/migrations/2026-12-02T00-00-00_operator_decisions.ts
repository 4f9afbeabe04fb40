import { sql, type Kysely } from 'kysely';

// Frozen in time: the actions are spelled out. Operators' decisions on a step that failed for good, and the payout day begun early.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_events drop constraint audit_events_action_check`.execute(db);
  await sql`
    alter table audit_events add constraint audit_events_action_check
    check (action in ('submit_plan', 'hrss_decision', 'finance_decision', 'repay_returned', 'retry_step', 'close_city', 'begin_payout_day'))
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_events drop constraint audit_events_action_check`.execute(db);
  await sql`
    alter table audit_events add constraint audit_events_action_check
    check (action in ('submit_plan', 'hrss_decision', 'finance_decision', 'repay_returned'))
  `.execute(db);
}
