import { monthCityParams } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { DisbursementDB } from '../db';
import type { StandardsSource } from '../standards/standards.repository';
import { draftPlan } from './entitlement.repository';

/** Plan drafts computed from the register with the standards stored now, for the city agency to submit. */
export function draftRoutes(db: Kysely<DisbursementDB>, standards: StandardsSource, access: Guard): Router {
  const router = Router();
  router.get('/drafts/:month/:cityCode', access(['system', 'city_agency', 'provincial_agency', 'operator'], 'params'), async (req, res) => {
    const { month, cityCode } = parse(monthCityParams, req.params, 'params');
    res.json(await draftPlan(db, month, cityCode, await standards.load(db)));
  });
  return router;
}
