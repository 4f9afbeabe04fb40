import type { DisbursementReconciliation } from '@fund/shared';
import { balanceOf, checkLedger, postedTo } from '@fund/shared/server';
import { sql } from 'kysely';
import { accounts, type Db } from '../db';
import { payoutProgress } from '../payouts/payout.service';
import { deferredEntitlements, heldTotal } from '../payouts/report.repository';

async function returnedFen(db: Db, month: string, cityCode?: string): Promise<bigint> {
  let query = db
    .selectFrom('entitlements')
    .select(sql<string>`coalesce(sum(amount_fen), 0)::text`.as('total'))
    .where('payout_month', '=', month)
    .where('status', '=', 'failed');
  if (cityCode) query = query.where('city_code', '=', cityCode);
  return BigInt((await query.executeTakeFirstOrThrow()).total);
}

/**
 * The disbursement side of a city's month close. Money figures come from the ledger; returned
 * comes from the payments (a rejected payment moves no money, so the ledger cannot show it).
 * unspent = allocated - paid - returned: it must not be negative, and while a city has only
 * this month's allocation, expenditureBalanceFen must equal returned + unspent. Held payments
 * (waiting for a fraud review) and deferred ones are unspent. The close also tells the on-time
 * rate, what is held, and who was deferred (names masked; at most DEFERRED_LIST_LIMIT listed).
 */
export async function reconcileCity(db: Db, month: string, cityCode: string): Promise<DisbursementReconciliation> {
  const received = -(await postedTo(db, accounts.remittance(cityCode), { kind: 'receipt', month }));
  const allocated = await postedTo(db, accounts.expenditure(cityCode), { kind: 'allocation', month });
  const paid = await postedTo(db, accounts.paidOut(cityCode), { month });
  const returned = await returnedFen(db, month, cityCode);
  const expenditure = await balanceOf(db, accounts.expenditure(cityCode));
  const ledger = await checkLedger(db);
  const deferred = await deferredEntitlements(db, month, cityCode);
  return {
    month,
    cityCode,
    receivedFen: received.toString(),
    allocatedFen: allocated.toString(),
    paidFen: paid.toString(),
    returnedFen: returned.toString(),
    unspentFen: (allocated - paid - returned).toString(),
    expenditureBalanceFen: expenditure.toString(),
    ledgerBalanced: ledger.balanced,
    onTime: (await payoutProgress(db, month, cityCode)).onTime,
    held: await heldTotal(db, month, cityCode),
    deferred: deferred.deferred,
    deferredCount: deferred.count,
    deferredFen: deferred.totalFen,
  };
}

/** The pool's side of a province's month: what came in, went out to cities, and was paid. */
export interface PoolReconciliation {
  month: string;
  receivedFen: string;
  allocatedFen: string;
  paidFen: string;
  returnedFen: string;
  balanceFen: string;
  ledgerBalanced: boolean;
}

/** Province-wide figures of a month, from the ledger. */
export async function reconcileMonth(db: Db, month: string): Promise<PoolReconciliation> {
  const received = await postedTo(db, accounts.special, { kind: 'receipt', month });
  const allocated = -(await postedTo(db, accounts.special, { kind: 'allocation', month }));
  const paid = await sql<{ total: string }>`
    select coalesce(sum(p.amount_fen), 0)::text as total
    from ledger_postings p join ledger_entries e on e.id = p.entry_id
    where e.month = ${month} and e.kind in ('payout', 'repay') and p.account like 'paid_out:%'`.execute(db);
  const ledger = await checkLedger(db);
  return {
    month,
    receivedFen: received.toString(),
    allocatedFen: allocated.toString(),
    paidFen: paid.rows[0]?.total ?? '0',
    returnedFen: (await returnedFen(db, month)).toString(),
    balanceFen: (await balanceOf(db, accounts.special)).toString(),
    ledgerBalanced: ledger.balanced,
  };
}
