import { DEFERRED_LIST_LIMIT, type DeferredEntitlement, type HeldTotal } from '@fund/shared';
import { sql } from 'kysely';
import type { Db } from '../db';
import { maskName } from '../register/identity';

/** Payments of the run held for review and not yet released or cancelled: unspent money. */
export async function heldTotal(db: Db, month: string, cityCode: string): Promise<HeldTotal> {
  const row = await db
    .selectFrom('entitlements')
    .select([sql<number>`count(*)::int`.as('count'), sql<string>`coalesce(sum(amount_fen), 0)::text`.as('total')])
    .where('city_code', '=', cityCode)
    .where('payout_month', '=', month)
    .where('status', '=', 'held')
    .executeTakeFirstOrThrow();
  return { count: row.count, amountFen: row.total };
}

/** Who waited: the run's deferred entitlements (at most `limit`, in id order), names masked, with the count and total of all. */
export async function deferredEntitlements(
  db: Db,
  month: string,
  cityCode: string,
  limit = DEFERRED_LIST_LIMIT,
): Promise<{ deferred: DeferredEntitlement[]; count: number; totalFen: string }> {
  const run = sql`e.city_code = ${cityCode} and e.payout_month = ${month} and e.status = 'deferred'`;
  const totals = await sql<{ count: number; total: string }>`
    select count(*)::int as count, coalesce(sum(e.amount_fen), 0)::text as total from entitlements e where ${run}`.execute(db);
  const rows = await sql<{
    id: string;
    beneficiary_id: string;
    name: string;
    kind: string;
    type: string;
    category: DeferredEntitlement['category'];
    period_month: string | null;
    amount_fen: string;
  }>`
    select e.id::text, e.beneficiary_id::text, b.name, b.kind, e.type, e.category, e.period_month, e.amount_fen::text
    from entitlements e join beneficiaries b on b.id = e.beneficiary_id
    where ${run} order by e.id limit ${limit}`.execute(db);
  return {
    deferred: rows.rows.map((r) => ({
      entitlementId: r.id,
      beneficiaryId: r.beneficiary_id,
      name: r.kind === 'hospital' ? r.name : maskName(r.name),
      type: r.type,
      category: r.category,
      periodMonth: r.period_month,
      amountFen: r.amount_fen,
    })),
    count: totals.rows[0]?.count ?? 0,
    totalFen: totals.rows[0]?.total ?? '0',
  };
}
