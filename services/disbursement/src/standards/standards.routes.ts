import { HUMAN_ROLES } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { DisbursementDB } from '../db';
import { listStandards, publishStandard, publishYearlyParameters, type StandardsSource } from './standards.repository';
import { publishStandardSchema, publishYearlyParametersSchema } from './standards.schema';

/** Who may publish standards and yearly figures. */
const PUBLISHERS = ['provincial_agency', 'operator'] as const;

/** The benefit standards and yearly parameters: versioned data, read by anyone with a role, published by the province. */
export function standardsRoutes(db: Kysely<DisbursementDB>, source: StandardsSource, access: Guard): Router {
  const router = Router();
  router.get('/standards', access(['system', ...HUMAN_ROLES]), async (_req, res) => {
    await source.ensure(db);
    res.json(await listStandards(db));
  });
  router.post('/standards', access(PUBLISHERS), async (req, res) => {
    const standard = parse(publishStandardSchema, req.body);
    res.status(201).json(await publishStandard(db, source, standard, req.actor!));
  });
  router.post('/yearly-parameters', access(PUBLISHERS), async (req, res) => {
    const input = parse(publishYearlyParametersSchema, req.body);
    res.status(201).json(await publishYearlyParameters(db, source, input, req.actor!));
  });
  return router;
}
