import { ErrorCode, type Actor } from '@fund/shared';
import { conflict, notFound } from '@fund/shared/server';
import type { Kysely, Transaction } from 'kysely';
import { appendAuditEvents } from '../audit/audit.repository';
import type { BankGateway } from '../bank/bank.gateway';
import type { DisbursementDB } from '../db';
import { lockRun, payReleased } from '../payouts/payout.service';
import { decide, findHold, findHoldRun, lockHold, setEntitlementStatus, type HoldView } from './hold.repository';
import type { HoldStatus } from './hold.table';

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
    const hold = await findHoldRun(trx, entitlementId);
    if (!hold) throw notFound(`hold on entitlement ${entitlementId}`);
    const run = await lockRun(trx, hold.month, hold.city_code);
    const current = await lockHold(trx, entitlementId);
    if (current.status !== 'open' || current.entitlement_status !== 'held') {
      throw conflict(
        ErrorCode.Conflict,
        `the hold on entitlement ${entitlementId} was already ${current.status === 'open' ? 'settled' : current.status}`,
      );
    }
    const status: HoldStatus = decision === 'release' ? 'released' : 'cancelled';
    await decide(trx, entitlementId, status, reason, actor);
    await setEntitlementStatus(trx, entitlementId, decision === 'release' ? 'pending' : 'cancelled');
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
