import { sql, type Kysely } from 'kysely';

/**
 * ID numbers and bank accounts encrypted at rest. The register gets `id_number_sealed` and
 * `bank_account_sealed` (AES-256-GCM under the service's REGISTER_KEY, written by the service:
 * a migration has no key), and the plaintext columns become nullable:
 * - every row holds each identifier exactly once, plaintext or sealed (`beneficiaries_identifiers_once`);
 * - no write from now on may leave a plaintext value (`beneficiaries_no_plaintext`, NOT VALID so it
 *   binds new rows and updates but lets the rows from before stand until the service seals them);
 * - the service seals the rows from before at its next start, before it serves (see `sealRegister`),
 *   so a database upgraded from before holds no plaintext after that start, and a fresh one never any.
 * The hashes stay in plaintext: matching across cities (screening) relies on them.
 */
// Frozen in time: this file must not import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table beneficiaries add column id_number_sealed text, add column bank_account_sealed text`.execute(db);
  await sql`alter table beneficiaries alter column id_number drop not null, alter column bank_account drop not null`.execute(db);
  await sql`
    alter table beneficiaries add constraint beneficiaries_identifiers_once
    check (num_nonnulls(id_number, id_number_sealed) = 1 and num_nonnulls(bank_account, bank_account_sealed) = 1)`.execute(db);
  await sql`
    alter table beneficiaries add constraint beneficiaries_no_plaintext
    check (id_number is null and bank_account is null) not valid`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Sealed values cannot be read back without the key, so going down would lose them.
  const sealed = await sql<{
    n: number;
  }>`select count(*)::int as n from beneficiaries where id_number is null or bank_account is null`.execute(db);
  if ((sealed.rows[0]?.n ?? 0) > 0) throw new Error('the register holds sealed identifiers; open them with the service before going down');
  await sql`alter table beneficiaries drop constraint beneficiaries_no_plaintext`.execute(db);
  await sql`alter table beneficiaries drop constraint beneficiaries_identifiers_once`.execute(db);
  await sql`alter table beneficiaries drop column id_number_sealed, drop column bank_account_sealed`.execute(db);
  await sql`alter table beneficiaries alter column id_number set not null, alter column bank_account set not null`.execute(db);
}
