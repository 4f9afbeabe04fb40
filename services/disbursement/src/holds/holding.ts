import { sql } from 'kysely';
import type { NewAuditEvent } from '../audit/audit.repository';
import type { Db } from '../db';
import type { Hold } from '../supervision';
import type { BatchRow } from './screening.repository';

/** Who the audit trail names for a hold the rules put on a payment. */
export const SUPERVISION_ACTOR = { userId: 'supervision-rules', role: 'system' } as const;

/** Entitlements of a city's run a reviewer released: they are paid without being screened again. */
export async function releasedInRun(db: Db, month: string, cityCode: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('payment_holds')
    .select('entitlement_id')
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .where('status', '=', 'released')
    .execute();
  return new Set(rows.map((r) => r.entitlement_id));
}

/**
 * Holds the payments the rules stopped, in the batch's transaction and set-based: each entitlement
 * becomes 'held' with its reasons and rules, and gets one open hold for review. Returns the held
 * ids and their audit rows, which the caller appends at the very end of its transaction: the
 * audit chain's lock is then held for a moment, not for the rest of the batch, so cities holding
 * payments at the same time do not queue behind each other.
 */
export async function holdPayments(
  trx: Db,
  batch: { id: string; month: string; cityCode: string },
  rows: readonly BatchRow[],
  holds: ReadonlyMap<string, Hold[]>,
): Promise<{ held: Set<string>; audit: NewAuditEvent[] }> {
  if (holds.size === 0) return { held: new Set(), audit: [] };
  const byId = new Map(rows.map((r) => [r.id, r]));
  const held = [...holds.entries()].map(([id, list]) => ({
    row: byId.get(id)!,
    rules: list.map((h) => h.rule),
    reason: list.map((h) => h.reason).join(' '),
  }));
  const ids = held.map((h) => h.row.id);
  const reasons = held.map((h) => h.reason);
  const rules = held.map((h) => h.rules.join(','));
  await sql`
    update entitlements e set status = 'held', hold_reason = h.reason, hold_rules = string_to_array(h.rules, ','), updated_at = now()
    from unnest(${ids}::bigint[], ${reasons}::text[], ${rules}::text[]) as h(id, reason, rules)
    where e.id = h.id and e.status = 'pending'`.execute(trx);
  await sql`
    insert into payment_holds (entitlement_id, beneficiary_id, month, city_code, batch_id, amount_fen, rules, reason)
    select h.id, e.beneficiary_id, ${batch.month}::text, ${batch.cityCode}::text, ${batch.id}::bigint, e.amount_fen, string_to_array(h.rules, ','), h.reason
    from unnest(${ids}::bigint[], ${reasons}::text[], ${rules}::text[]) as h(id, reason, rules)
    join entitlements e on e.id = h.id`.execute(trx);
  return {
    held: new Set(ids),
    audit: held.map((h) => ({
      ...SUPERVISION_ACTOR,
      from: null,
      action: 'hold' as const,
      entitlementId: h.row.id,
      month: batch.month,
      cityCode: batch.cityCode,
      reason: h.reason,
      detail: { rules: h.rules, batchId: batch.id, beneficiaryId: h.row.beneficiary_id, type: h.row.type, amountFen: h.row.amount_fen },
    })),
  };
}
