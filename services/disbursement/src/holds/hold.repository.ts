import type { Actor } from '@fund/shared';
import { sql } from 'kysely';
import { listAuditEvents, type AuditEvent } from '../audit/audit.repository';
import type { Db } from '../db';
import { maskName } from '../register/identity';
import type { HoldStatus } from './hold.table';

/** A held payment as reviewers see it: names masked, no ID or account numbers. */
export interface HoldView {
  entitlementId: string;
  beneficiaryId: string;
  name: string;
  month: string;
  cityCode: string;
  type: string;
  periodMonth: string | null;
  amountFen: string;
  rules: string[];
  reason: string;
  status: HoldStatus;
  heldAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decidedRole: string | null;
  decisionReason: string | null;
  /** Whether the entitlement has been paid (after a release). */
  paid: boolean;
}

interface HoldRecord {
  entitlement_id: string;
  beneficiary_id: string;
  name: string;
  kind: string;
  month: string;
  city_code: string;
  type: string;
  period_month: string | null;
  amount_fen: string;
  rules: string[];
  reason: string;
  status: HoldStatus;
  held_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  decided_role: string | null;
  decision_reason: string | null;
  entitlement_status: string;
}

function present(r: HoldRecord): HoldView {
  return {
    entitlementId: r.entitlement_id,
    beneficiaryId: r.beneficiary_id,
    name: r.kind === 'hospital' ? r.name : maskName(r.name),
    month: r.month,
    cityCode: r.city_code,
    type: r.type,
    periodMonth: r.period_month,
    amountFen: r.amount_fen,
    rules: r.rules,
    reason: r.reason,
    status: r.status,
    heldAt: r.held_at.toISOString(),
    decidedAt: r.decided_at?.toISOString() ?? null,
    decidedBy: r.decided_by,
    decidedRole: r.decided_role,
    decisionReason: r.decision_reason,
    paid: r.entitlement_status === 'paid',
  };
}

/** Holds of a month (and city), open ones first unless a status is asked for. */
export async function listHolds(
  db: Db,
  filter: { month: string; cityCode?: string | undefined; status?: HoldStatus | undefined; limit: number },
): Promise<HoldView[]> {
  const rows = await sql<HoldRecord>`
    select h.entitlement_id::text as entitlement_id, h.beneficiary_id::text as beneficiary_id, b.name, b.kind, h.month, h.city_code,
      e.type, e.period_month, h.amount_fen::text as amount_fen, h.rules, h.reason, h.status, h.held_at, h.decided_at, h.decided_by,
      h.decided_role, h.decision_reason, e.status as entitlement_status
    from payment_holds h join entitlements e on e.id = h.entitlement_id join beneficiaries b on b.id = h.beneficiary_id
    where h.month = ${filter.month}
      ${filter.cityCode ? sql`and h.city_code = ${filter.cityCode}` : sql``}
      ${filter.status ? sql`and h.status = ${filter.status}` : sql``}
    order by (h.status = 'open') desc, h.id
    limit ${filter.limit}`.execute(db);
  return rows.rows.map(present);
}

/** One hold with its audit trail, or undefined. */
export async function findHold(db: Db, entitlementId: string): Promise<(HoldView & { audit: AuditEvent[] }) | undefined> {
  const rows = await sql<HoldRecord>`
    select h.entitlement_id::text as entitlement_id, h.beneficiary_id::text as beneficiary_id, b.name, b.kind, h.month, h.city_code,
      e.type, e.period_month, h.amount_fen::text as amount_fen, h.rules, h.reason, h.status, h.held_at, h.decided_at, h.decided_by,
      h.decided_role, h.decision_reason, e.status as entitlement_status
    from payment_holds h join entitlements e on e.id = h.entitlement_id join beneficiaries b on b.id = h.beneficiary_id
    where h.entitlement_id = ${entitlementId}::bigint`.execute(db);
  const row = rows.rows[0];
  if (!row) return undefined;
  return { ...present(row), audit: await listAuditEvents(db, { entitlementId, limit: 100 }) };
}

/** The run of the entitlement a hold is on, if there is such a hold. */
export async function findHoldRun(db: Db, entitlementId: string) {
  return db.selectFrom('payment_holds').select(['month', 'city_code']).where('entitlement_id', '=', entitlementId).executeTakeFirst();
}

/** Locks a hold and its entitlement for a decision. */
export async function lockHold(db: Db, entitlementId: string) {
  return db
    .selectFrom('payment_holds as h')
    .innerJoin('entitlements as e', 'e.id', 'h.entitlement_id')
    .select(['h.status', 'h.rules', 'e.status as entitlement_status', 'e.amount_fen', 'e.claim_id', 'e.beneficiary_id'])
    .where('h.entitlement_id', '=', entitlementId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Records a reviewer's decision on a hold. */
export async function decide(db: Db, entitlementId: string, status: HoldStatus, reason: string, actor: Actor): Promise<void> {
  await db
    .updateTable('payment_holds')
    .set({ status, decided_at: sql<Date>`now()`, decided_by: actor.userId, decided_role: actor.role, decision_reason: reason })
    .where('entitlement_id', '=', entitlementId)
    .execute();
}

/** Sets a held entitlement's status after a decision: pending again, or cancelled. */
export async function setEntitlementStatus(db: Db, entitlementId: string, status: 'pending' | 'cancelled'): Promise<void> {
  await db
    .updateTable('entitlements')
    .set({ status, updated_at: sql<Date>`now()` })
    .where('id', '=', entitlementId)
    .execute();
}
