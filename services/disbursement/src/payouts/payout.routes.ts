import {
  cityCode,
  monthCityParams,
  monthString,
  payBatchSchema,
  payProvinceSchema,
  preparePayoutSchema,
  repayRequestSchema,
} from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BankGateway } from '../bank/bank.gateway';
import type { DisbursementDB } from '../db';
import type { StandardsSource } from '../standards/standards.repository';
import { maskBankAccount } from '../register/identity';
import type { RegisterCipher } from '../register/register-cipher';
import type { PaymentMetrics } from './payout.metrics';
import { failedPayments } from './payout.repository';
import { payBatch, payoutProgress, preparePayout, repayReturned } from './payout.service';
import { payProvince } from './provincial';
import { returnedPayees } from './returned.repository';

export const paymentsQuery = z.object({
  month: monthString,
  cityCode,
  status: z.literal('failed', { error: "must be 'failed'" }).default('failed'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const monthParams = z.object({ month: monthString });

export const returnedQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

/** A city's monthly payout: prepare, pay in batches, re-pay returned payments, follow progress. */
export function payoutRoutes(
  db: Kysely<DisbursementDB>,
  bank: BankGateway,
  standards: StandardsSource,
  access: Guard,
  options: { metrics?: PaymentMetrics; provincialConcurrency: number; cipher: RegisterCipher },
): Router {
  const { metrics, provincialConcurrency, cipher } = options;
  const router = Router();
  // The province's payout day: every prepared city of the month, in one request.
  router.post('/payouts/:month/province', access(['system']), async (req, res) => {
    const { month } = parse(monthParams, req.params, 'params');
    const body = parse(payProvinceSchema, req.body);
    res.json(await payProvince(db, bank, month, body, { concurrency: provincialConcurrency, metrics }));
  });
  router.post('/payouts/:month/:cityCode/prepare', access(['system']), async (req, res) => {
    const { month, cityCode: city } = parse(monthCityParams, req.params, 'params');
    const result = await preparePayout(db, standards, month, city, parse(preparePayoutSchema, req.body));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  router.post('/payouts/:month/:cityCode/batches', access(['system']), async (req, res) => {
    const { month, cityCode: city } = parse(monthCityParams, req.params, 'params');
    const result = await payBatch(db, bank, month, city, parse(payBatchSchema, req.body), metrics);
    res.status(result.replayed ? 200 : 201).json(result);
  });
  router.post('/payouts/:month/:cityCode/repay', access(['system']), async (req, res) => {
    const { month, cityCode: city } = parse(monthCityParams, req.params, 'params');
    const result = await repayReturned(db, bank, month, city, parse(repayRequestSchema, req.body), metrics);
    res.status(result.replayed ? 200 : 201).json(result);
  });
  // Full ID numbers and bank accounts: for the cycle worker only, which keeps them encrypted in history.
  router.get('/payouts/:month/:cityCode/returned', access(['system']), async (req, res) => {
    const { month, cityCode: city } = parse(monthCityParams, req.params, 'params');
    const { limit } = parse(returnedQuery, req.query, 'query');
    res.json(await returnedPayees(db, month, city, limit, cipher));
  });
  router.get(
    '/payouts/:month/:cityCode',
    access(['system', 'city_agency', 'provincial_agency', 'operator'], 'params'),
    async (req, res) => {
      const { month, cityCode: city } = parse(monthCityParams, req.params, 'params');
      res.json(await payoutProgress(db, month, city));
    },
  );
  router.get('/payments', access(['city_agency', 'provincial_agency', 'operator'], 'query'), async (req, res) => {
    const q = parse(paymentsQuery, req.query, 'query');
    res.json({
      month: q.month,
      cityCode: q.cityCode,
      status: q.status,
      beneficiaries: await failedPayments(db, q.month, q.cityCode, q.limit, (sealed) =>
        maskBankAccount(cipher.open('bank_account', sealed)),
      ),
    });
  });
  return router;
}
