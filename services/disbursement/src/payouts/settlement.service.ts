import { ErrorCode } from '@fund/shared';
import { balanceOf, conflict } from '@fund/shared/server';
import type { Transaction } from 'kysely';
import type { NewAuditEvent } from '../audit/audit.repository';
import type { BankGateway, PaymentBatch } from '../bank/bank.gateway';
import { accounts, type DisbursementDB } from '../db';
import { holdPayments, releasedInRun } from '../holds/holding';
import { screen } from '../holds/screening';
import { readBatch } from '../holds/screening.repository';
import { readRules } from '../standards/standards.repository';
import type { Repayable } from './payout.repository';
import { markClaimsPaid, writeOutcomes } from './settlement.repository';

type Trx = Transaction<DisbursementDB>;

/** Totals of one settled batch of payments. */
export interface Settlement {
  paid: number;
  failed: number;
  paidFen: bigint;
  failedFen: bigint;
}

/** The batch record a payment run writes its payments under. */
export interface BatchRecord {
  id: string;
  month: string;
  cityCode: string;
}

/**
 * Which entitlements a payment run pays: a payout batch is the next `limit` pending ones in id
 * order from the run's cursor, screened by the supervision rules first; a re-payment is a list of
 * failed ones, each with its attempt number, or of pending ones (a hold released after the last
 * batch), which were screened and then cleared by a reviewer.
 */
export type Selection =
  | { kind: 'next'; cursorId: string; limit: number; registerSeq: string | null }
  | { kind: 'list'; rows: readonly Repayable[]; status?: 'failed' | 'pending' };

/** What a selection adds up to, computed before anything is paid. */
interface Summary {
  count: number;
  dueFen: bigint;
  /** The city's expenditure account before this payment. */
  balanceFen: bigint;
  claimIds: string[];
  /** Last id selected (payout batches). */
  lastId: string | null;
  /** Held entitlements the batch passed over (held before, or by this batch's screening). */
  held: number;
  /** Audit rows of the holds, appended at the end of the batch's transaction. */
  audit: NewAuditEvent[];
  /** The selected entitlements, for the bank and the settling statement. */
  entitlements: PaymentBatch;
  /** Each listed entitlement's attempt number (re-payments). */
  attempts: number[];
}

async function summarise(trx: Trx, batch: BatchRecord, selection: Selection): Promise<Summary> {
  if (selection.kind === 'list') {
    return {
      count: selection.rows.length,
      dueFen: selection.rows.reduce((s, r) => s + BigInt(r.amount_fen), 0n),
      balanceFen: await balanceOf(trx, accounts.expenditure(batch.cityCode)),
      claimIds: [...new Set(selection.rows.flatMap((r) => (r.claim_id === null ? [] : [r.claim_id])))],
      lastId: null,
      held: 0,
      audit: [],
      entitlements: { kind: 'list', ids: selection.rows.map((r) => r.id), status: selection.status ?? 'failed' },
      attempts: selection.rows.map((r) => r.attempt),
    };
  }
  // The batch with its screening context in one statement, then the rules; held ones stay behind.
  const read = await readBatch(trx, batch.month, batch.cityCode, selection.cursorId, selection.limit, selection.registerSeq);
  let held: ReadonlySet<string> = new Set();
  let audit: NewAuditEvent[] = [];
  if (read.suspects.length > 0) {
    const released = await releasedInRun(trx, batch.month, batch.cityCode);
    // The standards are read (and validated) only for a suspect whose amount must be recomputed.
    const rules = read.suspects.some((r) => r.recompute) ? await readRules(trx) : null;
    const holds = screen(read.suspects, batch.month, batch.cityCode, rules, released);
    ({ held, audit } = await holdPayments(trx, batch, read.suspects, holds));
  }
  const heldFen = read.suspects.reduce((sum, r) => (held.has(r.id) ? sum + BigInt(r.amount_fen) : sum), 0n);
  return {
    count: read.count - held.size,
    dueFen: read.totalFen - heldFen,
    balanceFen: read.balanceFen,
    claimIds: read.claimIds,
    lastId: read.last,
    held: read.heldBefore + held.size,
    audit,
    // Under the run lock, the batch's pending ones are "every pending one from first to last": the held ones left the range.
    entitlements: { kind: 'range', cityCode: batch.cityCode, month: batch.month, first: read.first ?? '0', last: read.last ?? '0' },
    attempts: [],
  };
}

/**
 * Pays the selected entitlements, set-based: a fixed handful of statements whatever the batch
 * size, none per row. The bank gets the whole batch and answers with its rejections before
 * anything is written; then ONE statement moves every entitlement to its outcome and writes each
 * payment (see `writeOutcomes`). A rejected payment moves no money: its fen stay in the
 * expenditure account and count as returned until re-paid. Refuses before the bank sees
 * anything if the account cannot cover it.
 */
export async function settle(
  trx: Trx,
  bank: BankGateway,
  batch: BatchRecord,
  selection: Selection,
): Promise<Settlement & { lastId: string | null; held: number; audit: NewAuditEvent[] }> {
  const summary = await summarise(trx, batch, selection);
  if (summary.dueFen > summary.balanceFen) {
    throw conflict(
      ErrorCode.InsufficientPool,
      `the expenditure account of ${batch.cityCode} holds ${summary.balanceFen} fen, less than the ${summary.dueFen} fen due`,
      {
        balanceFen: summary.balanceFen.toString(),
        dueFen: summary.dueFen.toString(),
      },
    );
  }
  const base = { lastId: summary.lastId, held: summary.held, audit: summary.audit };
  if (summary.count === 0) return { paid: 0, failed: 0, paidFen: 0n, failedFen: 0n, ...base };
  const rejections = await bank.submit(trx, summary.entitlements);
  const row = await writeOutcomes(trx, {
    batch,
    entitlements: summary.entitlements,
    attempts: summary.attempts,
    registerSeq: selection.kind === 'next' ? selection.registerSeq : null,
    count: summary.count,
    rejections,
  });
  const written = (row?.paid ?? 0) + (row?.failed ?? 0);
  // The run lock keeps the selection still; a mismatch means it moved, so pay nothing at all.
  if (!row || written !== summary.count || row.marked !== written || BigInt(row.paid_fen) + BigInt(row.failed_fen) !== summary.dueFen) {
    throw new Error(`batch ${batch.id}: ${summary.count} selected, ${written} payments written, ${row?.marked} entitlements updated`);
  }
  // A claim is paid once every entitlement it gave rise to is paid.
  if (summary.claimIds.length > 0) await markClaimsPaid(trx, summary.claimIds);
  return { paid: row.paid, failed: row.failed, paidFen: BigInt(row.paid_fen), failedFen: BigInt(row.failed_fen), ...base };
}
