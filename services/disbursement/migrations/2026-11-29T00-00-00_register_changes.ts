import { sql, type Kysely } from 'kysely';

/**
 * What a payout batch needs to screen, without joining every payment to the register:
 * - `register_changes`, one sequence that numbers every change to the register: a beneficiary
 *   written (`beneficiaries.changed_seq`, on insert and on every update) and an identifier found
 *   shared (`shared_identifiers.changed_seq`);
 * - `payout_runs.register_seq`, a number drawn from it when the run was prepared, while no
 *   register write was in flight (preparation holds a SHARE lock on the register), so every
 *   change the preparation did not see has a larger number;
 * - `entitlements.watch`, whether a supervision rule could hold the entitlement as the register
 *   stood at preparation (a shared identifier, a death or retirement date on a benefit they end).
 * A batch screens the watched entitlements, those whose beneficiary or identifier changed after
 * `register_seq`, and those whose amount is no longer the computed one; no other can trip a rule.
 * Runs prepared before this have no `register_seq` and are screened in full, as before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence register_changes`.execute(db);
  await sql`alter table beneficiaries add column changed_seq bigint not null default 0`.execute(db);
  await sql`alter table beneficiaries alter column changed_seq set default nextval('register_changes')`.execute(db);
  await sql`create index beneficiaries_changed on beneficiaries (changed_seq)`.execute(db);
  await sql`
    create function beneficiaries_changed_seq() returns trigger language plpgsql set search_path from current as $$
    begin
      new.changed_seq := nextval('register_changes');
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger beneficiaries_changed_seq before update on beneficiaries
    for each row when (old.* is distinct from new.*) execute function beneficiaries_changed_seq()`.execute(db);
  await sql`alter table shared_identifiers add column changed_seq bigint not null default 0`.execute(db);
  await sql`alter table shared_identifiers alter column changed_seq set default nextval('register_changes')`.execute(db);
  await sql`alter table payout_runs add column register_seq bigint`.execute(db);
  await sql`alter table entitlements add column watch boolean`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table entitlements drop column watch`.execute(db);
  await sql`alter table payout_runs drop column register_seq`.execute(db);
  await sql`alter table shared_identifiers drop column changed_seq`.execute(db);
  await sql`drop trigger beneficiaries_changed_seq on beneficiaries`.execute(db);
  await sql`drop function beneficiaries_changed_seq()`.execute(db);
  await sql`alter table beneficiaries drop column changed_seq`.execute(db);
  await sql`drop sequence register_changes`.execute(db);
}
