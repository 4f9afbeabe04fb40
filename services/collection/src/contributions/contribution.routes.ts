import { reportContributionSchema } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { CollectionDB } from '../db';
import { recordContribution } from './contribution.repository';

/** The tax bureau reports contributions it collected, through the provincial agency's system. */
export function contributionRoutes(db: Kysely<CollectionDB>, access: Guard): Router {
  const router = Router();
  router.post('/contributions', access(['provincial_agency']), async (req, res) => {
    const input = parse(reportContributionSchema, req.body);
    const result = await recordContribution(db, input);
    res.status(result.replayed ? 200 : 201).json(result);
  });
  return router;
}
