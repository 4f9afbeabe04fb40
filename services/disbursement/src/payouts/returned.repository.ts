import type { ReturnedPayees } from '@fund/shared';
import { sql } from 'kysely';
import type { Db } from '../db';
import type { RegisterCipher } from '../register/register-cipher';

/**
 * The run's returned payments still unpaid, one row per payee with full ID number and bank
 * account (decrypted here, for the cycle worker, which keeps them encrypted in history), latest
 * rejection first in mind: what an operator needs to have the details corrected.
 */
export async function returnedPayees(
  db: Db,
  month: string,
  cityCode: string,
  limit: number,
  cipher: RegisterCipher,
): Promise<ReturnedPayees> {
  const run = sql`e.city_code = ${cityCode} and e.payout_month = ${month} and e.status = 'failed'`;
  const totals = await sql<{ count: number; total: string }>`
    select count(distinct e.beneficiary_id)::int as count, coalesce(sum(e.amount_fen), 0)::text as total
    from entitlements e where ${run}`.execute(db);
  const rows = await sql<{
    beneficiary_id: string;
    name: string;
    id_number_sealed: string;
    bank_account_sealed: string;
    bank_name: string;
    bank_status: string;
    entitlements: number;
    returned_fen: string;
    last_attempt: number;
    last_failed_at: Date;
    last_reason: string | null;
  }>`
    select b.id::text as beneficiary_id, b.name, b.id_number_sealed, b.bank_account_sealed, b.bank_name, b.bank_status,
      count(*)::int as entitlements, sum(e.amount_fen)::text as returned_fen,
      max(p.attempt)::int as last_attempt, max(p.created_at) as last_failed_at,
      (array_agg(p.failure_reason order by p.created_at desc))[1] as last_reason
    from entitlements e
    join beneficiaries b on b.id = e.beneficiary_id
    join lateral (
      select attempt, created_at, failure_reason from payments
      where entitlement_id = e.id and status = 'failed' order by attempt desc limit 1
    ) p on true
    where ${run}
    group by b.id
    order by b.id
    limit ${limit}`.execute(db);
  return {
    month,
    cityCode,
    count: totals.rows[0]?.count ?? 0,
    returnedFen: totals.rows[0]?.total ?? '0',
    payees: rows.rows.map((r) => ({
      beneficiaryId: r.beneficiary_id,
      name: r.name,
      idNumber: cipher.open('id_number', r.id_number_sealed),
      bankAccount: cipher.open('bank_account', r.bank_account_sealed),
      bankName: r.bank_name,
      bankStatus: r.bank_status,
      returnedFen: r.returned_fen,
      entitlements: r.entitlements,
      lastAttempt: r.last_attempt,
      lastReason: r.last_reason,
      lastFailedAt: r.last_failed_at.toISOString(),
    })),
  };
}
