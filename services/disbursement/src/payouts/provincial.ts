import type { PayProvinceRequest, ProvincialCityPayout, ProvincialPayout } from '@fund/shared';
import type { Kysely } from 'kysely';
import type { BankGateway } from '../bank/bank.gateway';
import type { DisbursementDB } from '../db';
import type { PaymentMetrics } from './payout.metrics';
import { preparedCities } from './payout.repository';
import { payBatch, payoutProgress } from './payout.service';

/**
 * The province's payout day in one task: every listed city whose run is prepared is paid to the
 * end of its batches, `concurrency` cities at a time, largest envelope first so the last city to
 * start is a small one. Each batch is the city's own `payBatch` (same screening, holds, ledger
 * entry and key), so a batch the city paid itself replays here and the other way round. One
 * city's failure is its own: it is reported and the others go on.
 */
export async function payProvince(
  db: Kysely<DisbursementDB>,
  bank: BankGateway,
  month: string,
  input: PayProvinceRequest,
  options: { concurrency: number; metrics?: PaymentMetrics | undefined },
): Promise<ProvincialPayout> {
  const prefixes = new Map(input.cities.map((c) => [c.cityCode, c.batchKeyPrefix]));
  const queue = await preparedCities(db, month, [...prefixes.keys()]);

  const outcomes = new Map<string, ProvincialCityPayout>();
  const payCity = async (cityCode: string): Promise<ProvincialCityPayout> => {
    const prefix = prefixes.get(cityCode)!;
    try {
      for (let batchNo = 0; ; batchNo++) {
        const result = await payBatch(
          db,
          bank,
          month,
          cityCode,
          { batchNo, batchSize: input.batchSize, idempotencyKey: `${prefix}${batchNo}` },
          options.metrics,
        );
        if (!result.done) continue;
        // A replayed batch carries the progress of its first run: a hold released since would be missing.
        const progress = !result.replayed && result.progress ? result.progress : await payoutProgress(db, month, cityCode);
        return { cityCode, outcome: 'paid', batches: batchNo + 1, progress };
      }
    } catch (error) {
      return { cityCode, outcome: 'failed', error: (error as Error).message };
    }
  };
  const lanes = Array.from({ length: Math.min(options.concurrency, queue.length) }, async () => {
    for (let city = queue.shift(); city !== undefined; city = queue.shift()) outcomes.set(city, await payCity(city));
  });
  await Promise.all(lanes);
  return {
    month,
    cities: input.cities.map((c) => outcomes.get(c.cityCode) ?? { cityCode: c.cityCode, outcome: 'not_prepared' }),
  };
}
