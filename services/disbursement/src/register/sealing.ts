import { sql } from 'kysely';
import type { Db } from '../db';
import type { RegisterCipher } from './register-cipher';

/** What one pass of `sealRegister` did. */
export interface SealingResult {
  /** Rows that held plaintext (written before encryption at rest), now sealed. */
  sealed: number;
  /** Rows sealed under a previous key, now under the current one. */
  rekeyed: number;
}

/**
 * Brings every register row under the current register key, in id order, `batchSize` rows per
 * statement: a row still holding its ID number or account in plaintext is sealed and its
 * plaintext cleared; a row sealed under a previous key (REGISTER_PREVIOUS_KEYS) is decrypted and
 * sealed again under REGISTER_KEY. The service runs it at every start, before it serves, so an
 * upgraded register holds no plaintext after its first start, and a rotation is: set the new key,
 * keep the old one in REGISTER_PREVIOUS_KEYS, restart; once it has run the old key may go.
 * A row changed between the read and the write (a bank detail corrected meanwhile, already under
 * the current key) is left as it was written.
 */
export async function sealRegister(db: Db, cipher: RegisterCipher, batchSize = 1_000): Promise<SealingResult> {
  const prefix = cipher.currentPrefix;
  const result: SealingResult = { sealed: 0, rekeyed: 0 };
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('beneficiaries')
      .select(['id', 'id_number', 'bank_account', 'id_number_sealed', 'bank_account_sealed'])
      .where('id', '>', after)
      .where(
        sql<boolean>`(id_number is not null or bank_account is not null
          or not starts_with(coalesce(id_number_sealed, ''), ${prefix}) or not starts_with(coalesce(bank_account_sealed, ''), ${prefix}))`,
      )
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return result;
    after = rows.at(-1)!.id;
    const resealed = rows.map((r) => ({
      id: r.id,
      idNumber: cipher.seal('id_number', r.id_number ?? cipher.open('id_number', r.id_number_sealed)),
      bankAccount: cipher.seal('bank_account', r.bank_account ?? cipher.open('bank_account', r.bank_account_sealed)),
    }));
    const col = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
    await sql`
      update beneficiaries b
      set id_number = null, bank_account = null, id_number_sealed = t.id_number_sealed, bank_account_sealed = t.bank_account_sealed
      from unnest(
        ${resealed.map((r) => r.id)}::bigint[], ${resealed.map((r) => r.idNumber)}::text[], ${resealed.map((r) => r.bankAccount)}::text[],
        ${col((r) => r.id_number_sealed)}::text[], ${col((r) => r.bank_account_sealed)}::text[]
      ) as t(id, id_number_sealed, bank_account_sealed, was_id_number, was_bank_account)
      where b.id = t.id
        and b.id_number_sealed is not distinct from t.was_id_number and b.bank_account_sealed is not distinct from t.was_bank_account`.execute(
      db,
    );
    for (const r of rows) {
      if (r.id_number !== null || r.bank_account !== null) result.sealed += 1;
      else result.rekeyed += 1;
    }
  }
}
