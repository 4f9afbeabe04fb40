import {
  ErrorCode,
  type BatchResult,
  type OnTimeRate,
  type PayBatchRequest,
  type PayoutProgress,
  type PlanCategory,
  type PreparedPayout,
  type PreparePayoutRequest,
  type RepayRequest,
  type RepayResult,
} from '@fund/shared';
import { conflict, HttpError, once, postEntry } from '@fund/shared/server';
import type { Kysely, Transaction } from 'kysely';
import { appendAuditEvents } from '../audit/audit.repository';
import type { BankGateway } from '../bank/bank.gateway';
import { accounts, type DisbursementDB, type Db } from '../db';
import { chooseDeferrals } from '../entitlements/deferral';
import { insertEntitlements, planMonth, runEntitlements } from '../entitlements/entitlement.repository';
import type { EntitlementStatus } from '../entitlements/entitlement.table';
import { findAllocation } from '../pool/pool.repository';
import { lockStandardsShared, type StandardsSource } from '../standards/standards.repository';
import type { PaymentMetrics } from './payout.metrics';
import {
  advanceRun,
  carryArrears,
  countByStatus,
  deferEntitlements,
  findRunId,
  insertRepayBatch,
  insertRun,
  lockPreparation,
  lockRegister,
  nextRegisterSeq,
  openPayoutBatch,
  repayableEntitlements,
  selectRunForUpdate,
} from './payout.repository';
import { settle, type Settlement } from './settlement.service';

type Trx = Transaction<DisbursementDB>;

/**
 * Locks a city's run for the month. Every change to the status of the run's entitlements
 * (batches, re-payments, and fraud holds) takes this lock first, so they never interleave.
 */
export async function lockRun(trx: Trx, month: string, cityCode: string) {
  const run = await selectRunForUpdate(trx, month, cityCode);
  if (!run) throw conflict(ErrorCode.Conflict, `the ${month} payout of ${cityCode} has not been prepared`);
  return run;
}

/**
 * Snapshots what the city owes this month into its payout run: fresh entitlements computed from
 * the register and approved claims, plus arrears deferred by earlier runs, each with the due
 * date. When the approved lines (or the money allocated) do not cover them, `chooseDeferrals`
 * marks entitlements 'deferred' (see its rule: caps per category, latest first, one-time claims
 * before long-term benefits); deferred ones are carried into the next month's run.
 * Needs the month's allocation, and is done once per city and month. The entitlements are
 * computed with the standards stored now (see `lockStandardsShared`).
 */
export async function preparePayout(
  db: Kysely<DisbursementDB>,
  standards: StandardsSource,
  month: string,
  cityCode: string,
  input: PreparePayoutRequest,
): Promise<PreparedPayout & { replayed: boolean }> {
  const approved = approvedByCategory(input);
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `prepare:${input.idempotencyKey}`, { month, cityCode, ...input }, async () => {
      // Two preparations under different keys: the second waits, then finds the run and is refused.
      await lockPreparation(trx, month, cityCode);
      const existing = await findRunId(trx, month, cityCode);
      if (existing) throw conflict(ErrorCode.Conflict, `the ${month} payout of ${cityCode} was already prepared (run ${existing})`);
      const allocation = await findAllocation(trx, month, cityCode);
      if (!allocation)
        throw conflict(ErrorCode.Conflict, `${cityCode} has no allocation for ${month}; allocate before preparing the payout`);
      const dueDate = new Date(input.dueDate);

      // The standards in force now fix this month's entitlements; a publication waits for the commit.
      await lockStandardsShared(trx);
      // No register write is in flight from here to the commit, so every change this preparation
      // does not see is numbered above the run's register_seq (the batches screen those).
      await lockRegister(trx);
      const registerSeq = await nextRegisterSeq(trx);
      const plan = await planMonth(trx, month, cityCode, await standards.load(trx));
      await insertEntitlements(trx, month, cityCode, dueDate, plan.fresh);
      if (plan.carried.length > 0)
        await carryArrears(
          trx,
          month,
          dueDate,
          plan.carried.map((e) => e.id),
        );

      const run = (await runEntitlements(trx, month, cityCode)).filter((e) => e.status === 'pending');
      const deferred = chooseDeferrals(run, approved, BigInt(allocation.amount_fen));
      if (deferred.size > 0) await deferEntitlements(trx, [...deferred]);
      await insertRun(trx, {
        month,
        cityCode,
        idempotencyKey: input.idempotencyKey,
        approvedLinesJson: JSON.stringify(input.approvedLines),
        envelopeFen: allocation.amount_fen,
        dueDate,
        registerSeq,
      });
      const sum = (rows: typeof run) => rows.reduce((s, e) => s + e.amountFen, 0n).toString();
      const paying = run.filter((e) => !deferred.has(e.id));
      const left = run.filter((e) => deferred.has(e.id));
      return { entitlements: paying.length, totalFen: sum(paying), deferred: left.length, deferredFen: sum(left) };
    });
    return { ...response, replayed };
  });
}

function approvedByCategory(input: PreparePayoutRequest): Map<PlanCategory, bigint> {
  const approved = new Map<PlanCategory, bigint>();
  for (const line of input.approvedLines) {
    if (approved.has(line.category)) {
      throw new HttpError(400, ErrorCode.ValidationFailed, `invalid request: body.approvedLines each category may appear only once`, {
        issues: [{ field: 'body.approvedLines', rule: 'each category may appear only once' }],
      });
    }
    approved.set(line.category, BigInt(line.amountFen));
  }
  return approved;
}

/** What left the expenditure account: Dr paid_out:<city>, Cr expenditure:<city>, one entry per batch. */
async function postPaidOut(trx: Trx, key: string, kind: 'payout' | 'repay', month: string, cityCode: string, amount: bigint) {
  if (amount === 0n) return;
  await postEntry(trx, {
    idempotencyKey: key,
    kind,
    month,
    cityCode,
    postings: [
      { account: accounts.paidOut(cityCode), amountFen: amount },
      { account: accounts.expenditure(cityCode), amountFen: -amount },
    ],
  });
}

/**
 * Pays the next `batchSize` pending entitlements of the run in id order, set-based (see `settle`),
 * after the supervision rules screened them: a payment a rule holds is marked 'held' with its
 * reasons and waits for a reviewer (see holds/). Held and deferred entitlements are skipped;
 * `held` counts the held ones this batch passed over (with the last batch, all remaining to the
 * end of the run). The batch's key makes a repeated call answer with the stored result and pay
 * nothing new; `done` is true when nothing pending remains, and `progress` is the run's after the
 * batch. The run's cursor keeps each batch's scan to its own stretch of the run. The batch's
 * payments are counted in `metrics` once it commits.
 */
export async function payBatch(
  db: Kysely<DisbursementDB>,
  bank: BankGateway,
  month: string,
  cityCode: string,
  input: PayBatchRequest,
  metrics?: PaymentMetrics,
): Promise<BatchResult & { replayed: boolean }> {
  const result = await db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `payout-batch:${input.idempotencyKey}`, { month, cityCode, ...input }, async () => {
      const run = await openPayoutBatch(trx, month, cityCode, input.batchNo, input.idempotencyKey);
      if (!run) throw conflict(ErrorCode.Conflict, `the ${month} payout of ${cityCode} has not been prepared`);
      if (run.batch_id === null)
        throw conflict(
          ErrorCode.Conflict,
          `batch ${input.batchNo} of the ${month} payout of ${cityCode} was already paid under another key`,
        );
      const settled = await settle(
        trx,
        bank,
        { id: run.batch_id, month, cityCode },
        {
          kind: 'next',
          cursorId: run.cursor_id,
          limit: input.batchSize,
          registerSeq: run.register_seq,
        },
      );
      await postPaidOut(trx, `payout-batch:${input.idempotencyKey}`, 'payout', month, cityCode, settled.paidFen);
      const progress = await payoutProgress(trx, month, cityCode);
      // With nothing pending, the run's batches are done: from then on a hold a reviewer releases
      // is paid at once (no batch will come for it). With the count given, the last batch probes nothing.
      const rest = await advanceRun(trx, run.id, month, cityCode, settled.lastId ?? run.cursor_id, progress.pending);
      const done = !rest.pendingAhead && !rest.pendingBehind;
      await appendAuditEvents(trx, settled.audit);
      return {
        batchNo: input.batchNo,
        processed: settled.paid + settled.failed,
        paid: settled.paid,
        failed: settled.failed,
        held: settled.held + (done ? rest.heldAhead : 0),
        paidFen: settled.paidFen.toString(),
        failedFen: settled.failedFen.toString(),
        done,
        progress,
      };
    });
    return { ...response, replayed };
  });
  metrics?.recordBatch(cityCode, result);
  return result;
}

/**
 * Pays again, once, the run's failed entitlements whose beneficiary's bank details were
 * corrected and re-verified after the last failure. The partial unique index on paid payments
 * makes a second success for the same entitlement impossible. A committed re-payment is counted
 * in `metrics`; a replayed one was counted when it committed.
 */
export async function repayReturned(
  db: Kysely<DisbursementDB>,
  bank: BankGateway,
  month: string,
  cityCode: string,
  input: RepayRequest,
  metrics?: PaymentMetrics,
): Promise<RepayResult & { replayed: boolean }> {
  const result = await db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `repay:${input.idempotencyKey}`, { month, cityCode, ...input }, async () => {
      await lockRun(trx, month, cityCode);
      const batchId = await insertRepayBatch(trx, month, cityCode, input.idempotencyKey);
      const failed = await repayableEntitlements(trx, month, cityCode);
      const settled = await settle(trx, bank, { id: batchId, month, cityCode }, { kind: 'list', rows: failed });
      await postPaidOut(trx, `repay:${input.idempotencyKey}`, 'repay', month, cityCode, settled.paidFen);
      const progress = await payoutProgress(trx, month, cityCode);
      return { repaid: settled.paid, repaidFen: settled.paidFen.toString(), stillFailed: progress.failed };
    });
    return { ...response, replayed };
  });
  if (!result.replayed) await metrics?.recordRepay(db, month, cityCode, input.idempotencyKey, result);
  return result;
}

/**
 * Pays one entitlement a reviewer released after the run's last batch, in the reviewer's
 * transaction: a re-payment run of one (its own batch record and ledger entry under `key`), as
 * a batch would have paid it.
 */
export async function payReleased(
  trx: Trx,
  bank: BankGateway,
  month: string,
  cityCode: string,
  entitlement: { id: string; amount_fen: string; claim_id: string | null },
  key: string,
): Promise<Settlement> {
  const batchId = await insertRepayBatch(trx, month, cityCode, key);
  const settled = await settle(
    trx,
    bank,
    { id: batchId, month, cityCode },
    { kind: 'list', rows: [{ ...entitlement, attempt: 1 }], status: 'pending' },
  );
  await postPaidOut(trx, key, 'repay', month, cityCode, settled.paidFen);
  return settled;
}

/**
 * The run's on-time rate: of the entitlements due in it (all but the deferred, which move to a
 * later month, and the cancelled, which a reviewer stopped), those paid on or before their due
 * date. A held, failed or late one counts against it; 1 when none is due.
 */
function onTimeRate(due: number, paidOnTime: number): OnTimeRate {
  return { due, paidOnTime, rate: due === 0 ? 1 : Math.round((paidOnTime / due) * 10_000) / 10_000 };
}

/** Counts of the run's entitlements by status, what was paid and is still failed, and the on-time rate. */
export async function payoutProgress(db: Db, month: string, cityCode: string): Promise<PayoutProgress> {
  const rows = await countByStatus(db, month, cityCode);
  const by = new Map(rows.map((r) => [r.status, r]));
  const count = (status: EntitlementStatus) => by.get(status)?.n ?? 0;
  const total = rows.reduce((s, r) => s + r.n, 0);
  return {
    total,
    paid: count('paid'),
    failed: count('failed'),
    held: count('held'),
    deferred: count('deferred'),
    pending: count('pending'),
    paidFen: by.get('paid')?.total ?? '0',
    failedFen: by.get('failed')?.total ?? '0',
    cancelled: count('cancelled'),
    onTime: onTimeRate(total - count('deferred') - count('cancelled'), by.get('paid')?.on_time ?? 0),
  };
}
