import { recordReviewSchema } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { BudgetDB } from '../db';
import { recordReview } from './review.repository';

/** The review record: HRSS and finance decisions on plan versions. */
export function reviewRoutes(db: Kysely<BudgetDB>, access: Guard): Router {
  const router = Router();
  router.post('/reviews', access(['system']), async (req, res) => {
    const result = await recordReview(db, parse(recordReviewSchema, req.body));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  return router;
}
