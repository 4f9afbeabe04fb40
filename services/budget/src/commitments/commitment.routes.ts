import { commitBudgetSchema, releaseCommitmentSchema } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { BudgetDB } from '../db';
import { commitBudget, releaseCommitment } from './commitment.repository';

/** Finance approval commits approved amounts against the annual budget; compensation releases them. */
export function commitmentRoutes(db: Kysely<BudgetDB>, access: Guard): Router {
  const router = Router();
  router.post('/commitments', access(['system']), async (req, res) => {
    const result = await commitBudget(db, parse(commitBudgetSchema, req.body));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  router.post('/commitments/release', access(['system']), async (req, res) => {
    res.json(await releaseCommitment(db, parse(releaseCommitmentSchema, req.body)));
  });
  return router;
}
