import { ErrorCode, type Actor } from '@fund/shared';
import { conflict, notFound } from '@fund/shared/server';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { BankGateway } from '../bank/bank.gateway';
import { appendAuditEvents, listAuditEvents, type AuditEvent } from '../audit/audit.repository';
import type { Db, DisbursementDB } from '../db';
import { lockRun, payReleased } from '../payouts/payout.repository';
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

const holdColumns = sql`
  h.entitlement_id::text as entitlement_id, h.beneficiary_id::text as beneficiary_id, b.name, b.kind, h.month, h.city_code,
  e.type, e.period_month, h.amount_fen::text as amount_fen, h.rules, h.reason, h.status, h.held_at, h.decided_at, h.decided_by,
  h.decided_role, h.decision_reason, e.status as entitlement_status`;

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
    select ${holdColumns}
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
    select ${holdColumns}
    from payment_holds h join entitlements e on e.id = h.entitlement_id join beneficiaries b on b.id = h.beneficiary_id
    where h.entitlement_id = ${entitlementId}::bigint`.execute(db);
  const row = rows.rows[0];
  if (!row) return undefined;
  return { ...present(row), audit: await listAuditEvents(db, { entitlementId, limit: 100 }) };
}

/** What a review did. */
export interface HoldDecision {
  hold: HoldView;
  /** For a release: paid at once (the run's batches were done), else left to the next batch. */
  paid: boolean;
  paidFen: string;
  failed: boolean;
}

/**
 * A reviewer's decision on an open hold, with a reason, audited in the same transaction.
 * - release: the entitlement is pending again and is paid by the run's next batch; when the run's
 *   last batch already ran, it is paid now (a re-payment run of one). Never screened again.
 * - cancel: the entitlement is 'cancelled' and never paid; its money stays unspent.
 * Takes the run lock, like batches and re-payments, so a decision never interleaves with them.
 */
export async function decideHold(
  db: Kysely<DisbursementDB>,
  bank: BankGateway,
  entitlementId: string,
  decision: 'release' | 'cancel',
  reason: string,
  actor: Actor,
): Promise<HoldDecision> {
  const result = await db.transaction().execute(async (trx: Transaction<DisbursementDB>) => {
    const hold = await trx.selectFrom('payment_holds').select(['month', 'city_code']).where('entitlement_id', '=', entitlementId).executeTakeFirst();
    if (!hold) throw notFound(`hold on entitlement ${entitlementId}`);
    const run = await lockRun(trx, hold.month, hold.city_code);
    const current = await trx
      .selectFrom('payment_holds as h')
      .innerJoin('entitlements as e', 'e.id', 'h.entitlement_id')
      .select(['h.status', 'h.rules', 'e.status as entitlement_status', 'e.amount_fen', 'e.claim_id', 'e.beneficiary_id'])
      .where('h.entitlement_id', '=', entitlementId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (current.status !== 'open' || current.entitlement_status !== 'held') {
      throw conflict(ErrorCode.Conflict, `the hold on entitlement ${entitlementId} was already ${current.status === 'open' ? 'settled' : current.status}`);
    }
    const status: HoldStatus = decision === 'release' ? 'released' : 'cancelled';
    await trx
      .updateTable('payment_holds')
      .set({ status, decided_at: sql<Date>`now()`, decided_by: actor.userId, decided_role: actor.role, decision_reason: reason })
      .where('entitlement_id', '=', entitlementId)
      .execute();
    await trx
      .updateTable('entitlements')
      .set({ status: decision === 'release' ? 'pending' : 'cancelled', updated_at: sql<Date>`now()` })
      .where('id', '=', entitlementId)
      .execute();
    let settled = { paid: 0, failed: 0, paidFen: 0n };
    if (decision === 'release' && run.batches_done_at !== null) {
      settled = await payReleased(
        trx,
        bank,
        hold.month,
        hold.city_code,
        { id: entitlementId, amount_fen: current.amount_fen, claim_id: current.claim_id },
        `release:${entitlementId}`,
      );
    }
    await appendAuditEvents(trx, [
      {
        userId: actor.userId,
        role: actor.role,
        from: actor.from ?? null,
        action: decision,
        entitlementId,
        month: hold.month,
        cityCode: hold.city_code,
        reason,
        detail: {
          rules: current.rules,
          beneficiaryId: current.beneficiary_id,
          amountFen: current.amount_fen,
          paidNow: settled.paid > 0,
          returnedByBank: settled.failed > 0,
        },
      },
    ]);
    return settled;
  });
  const hold = await findHold(db, entitlementId);
  return { hold: hold!, paid: result.paid > 0, paidFen: result.paidFen.toString(), failed: result.failed > 0 };
}
