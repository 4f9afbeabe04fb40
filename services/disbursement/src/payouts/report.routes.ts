import { monthCityParams } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DisbursementDB } from '../db';
import { payoutProgress } from './payout.service';
import { deferredEntitlements } from './report.repository';

export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(1_000) });

/** Who waited in a city's month (the deferral rule's outcome) and how much was paid on time. */
export function payoutReportRoutes(db: Kysely<DisbursementDB>, access: Guard): Router {
  const router = Router();
  const readers = access(['system', 'city_agency', 'hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator'], 'params');
  router.get('/payouts/:month/:cityCode/deferred', readers, async (req, res) => {
    const { month, cityCode } = parse(monthCityParams, req.params, 'params');
    const { limit } = parse(limitQuery, req.query, 'query');
    res.json({ month, cityCode, ...(await deferredEntitlements(db, month, cityCode, limit)) });
  });
  router.get('/payouts/:month/:cityCode/on-time', readers, async (req, res) => {
    const { month, cityCode } = parse(monthCityParams, req.params, 'params');
    res.json({ month, cityCode, ...(await payoutProgress(db, month, cityCode)).onTime });
  });
  return router;
}
