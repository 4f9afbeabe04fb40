import { cityCode, monthString } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BudgetDB } from '../db';
import { listAuditEvents, verifyAuditChain } from './audit.repository';

export const listQuery = z.object({
  month: monthString.optional(),
  cityCode: cityCode.optional(),
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'must be an audit row id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

/** The audit trail of decisions and refused attempts: reviewers and operators read it, operators verify its chain. */
export function auditRoutes(db: Kysely<BudgetDB>, access: Guard): Router {
  const router = Router();
  router.get('/audit', access(['hrss_reviewer', 'finance_reviewer', 'operator']), async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    const events = await listAuditEvents(db, q);
    res.json({ events, next: events.length === q.limit ? (events.at(-1)?.id ?? null) : null });
  });
  router.get('/audit/verify', access(['operator']), async (_req, res) => {
    res.json(await verifyAuditChain(db));
  });
  return router;
}
