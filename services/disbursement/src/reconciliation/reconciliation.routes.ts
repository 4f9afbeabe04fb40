import { monthCityParams, monthString } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DisbursementDB } from '../db';
import { reconcileCity, reconcileMonth } from './reconciliation.repository';

export const monthParams = z.object({ month: monthString });

/** Month-close figures of the disbursement side, per city and for the whole pool. */
export function reconciliationRoutes(db: Kysely<DisbursementDB>, access: Guard): Router {
  const router = Router();
  router.get('/reconciliation/:month/:cityCode', access(['system', 'provincial_agency', 'operator']), async (req, res) => {
    const { month, cityCode } = parse(monthCityParams, req.params, 'params');
    res.json(await reconcileCity(db, month, cityCode));
  });
  router.get('/reconciliation/:month', access(['system', 'provincial_agency', 'operator']), async (req, res) => {
    const { month } = parse(monthParams, req.params, 'params');
    res.json(await reconcileMonth(db, month));
  });
  return router;
}
