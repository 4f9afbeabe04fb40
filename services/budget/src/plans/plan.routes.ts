import { cityCode, HUMAN_ROLES, monthOf, monthString, recordPlanSchema } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BudgetDB } from '../db';
import { listPlans, planHistory, plansOf, recordPlan } from './plan.repository';

const PLAN_STATUSES = ['awaiting', 'submitted', 'hrss_approved', 'approved', 'returned'] as const;

export const monthCity = z.object({ month: monthString, cityCode });
export const listQuery = z.object({
  month: monthString.optional(),
  status: z.enum(PLAN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export const historyQuery = z.object({
  months: z.coerce.number().int().min(1).max(60).default(6),
  until: monthString.optional(),
});

/**
 * Expenditure plans: submitted versions (recorded by the cycle), the reviewers' list, and each
 * city's recent months (a city agency sees only its own).
 */
export function planRoutes(db: Kysely<BudgetDB>, access: Guard): Router {
  const router = Router();
  router.post('/plans', access(['system']), async (req, res) => {
    const result = await recordPlan(db, parse(recordPlanSchema, req.body));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  router.get('/plans', access(['hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator']), async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    res.json({ plans: await listPlans(db, { month: q.month, status: q.status }, q.limit) });
  });
  router.get('/plans/:month/:cityCode', access(HUMAN_ROLES, 'params'), async (req, res) => {
    const { month, cityCode: city } = parse(monthCity, req.params, 'params');
    res.json(await plansOf(db, month, city));
  });
  router.get('/history/:cityCode', access(HUMAN_ROLES, 'params'), async (req, res) => {
    const { cityCode: city } = parse(z.object({ cityCode }), req.params, 'params');
    const q = parse(historyQuery, req.query, 'query');
    const until = q.until ?? monthOf(new Date());
    res.json({ cityCode: city, months: await planHistory(db, city, until, q.months) });
  });
  return router;
}
