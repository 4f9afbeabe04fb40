import { sql } from 'kysely';
import type { Db } from '../db';
import type { PaymentBatch } from './bank.gateway';

/** Beneficiaries whose account the register marks 'invalid'. */
export async function invalidAccountHolders(db: Db): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select id from beneficiaries where bank_status = 'invalid'`.execute(db);
  return rows.map((r) => r.id);
}

/** The entitlements of `batch` payable to one of `beneficiaryIds`. */
export async function rejectedInBatch(db: Db, beneficiaryIds: readonly string[], batch: PaymentBatch): Promise<string[]> {
  const ids =
    batch.kind === 'list'
      ? sql`select unnest(${batch.ids}::bigint[])`
      : sql`select e.id from entitlements e
          where e.city_code = ${batch.cityCode} and e.payout_month = ${batch.month} and e.status = 'pending'
            and e.id between ${batch.first}::bigint and ${batch.last}::bigint`;
  const { rows } = await sql<{ id: string }>`
    select e.id from entitlements e
    where e.beneficiary_id = any(${beneficiaryIds}::bigint[]) and e.id in (${ids})`.execute(db);
  return rows.map((r) => r.id);
}
