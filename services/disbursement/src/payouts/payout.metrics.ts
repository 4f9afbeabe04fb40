import client from 'prom-client';
import { sql } from 'kysely';
import type { Db } from '../db';

/** Payments settled by the bank, counted once each when their batch commits (a replayed batch counts nothing). */
export interface PaymentMetrics {
  /** Counts a payout batch's payments; a replayed batch was counted when it committed. */
  recordBatch(cityCode: string, batch: Settled & { replayed: boolean }): void;
  /** Counts a committed re-payment: its answer gives the paid side, its stored payments the returned one. */
  recordRepay(
    db: Db,
    month: string,
    cityCode: string,
    idempotencyKey: string,
    result: { repaid: number; repaidFen: string },
  ): Promise<void>;
}

interface Settled {
  paid: number;
  failed: number;
  paidFen: string;
  failedFen: string;
}

/** `fund_payments_total` and `fund_payments_fen_total` by kind (payout, repay), outcome (paid, failed) and city. */
export function paymentMetrics(registry: client.Registry): PaymentMetrics {
  const labelNames = ['kind', 'outcome', 'city_code'] as const;
  const count = new client.Counter({
    name: 'fund_payments_total',
    help: 'Payments the bank paid or returned, by kind of run, outcome and city',
    labelNames,
    registers: [registry],
  });
  const amount = new client.Counter({
    name: 'fund_payments_fen_total',
    help: 'Amount in fen of the payments the bank paid or returned, by kind of run, outcome and city',
    labelNames,
    registers: [registry],
  });
  const record = (kind: 'payout' | 'repay', cityCode: string, s: Settled) => {
    count.inc({ kind, outcome: 'paid', city_code: cityCode }, s.paid);
    count.inc({ kind, outcome: 'failed', city_code: cityCode }, s.failed);
    amount.inc({ kind, outcome: 'paid', city_code: cityCode }, Number(s.paidFen));
    amount.inc({ kind, outcome: 'failed', city_code: cityCode }, Number(s.failedFen));
  };
  return {
    recordBatch(cityCode, batch) {
      if (!batch.replayed) record('payout', cityCode, batch);
    },
    async recordRepay(db, month, cityCode, idempotencyKey, result) {
      // Through the partial index on failed payments: only this city's returned ones are read.
      const { rows } = await sql<{ failed: number; failedFen: string }>`
        select count(*)::int as failed, coalesce(sum(amount_fen), 0)::text as "failedFen" from payments
        where month = ${month} and city_code = ${cityCode} and status = 'failed'
          and batch_id = (select id from payout_batches where kind = 'repay' and idempotency_key = ${idempotencyKey})`.execute(db);
      record('repay', cityCode, {
        paid: result.repaid,
        paidFen: result.repaidFen,
        failed: rows[0]?.failed ?? 0,
        failedFen: rows[0]?.failedFen ?? '0',
      });
    },
  };
}
