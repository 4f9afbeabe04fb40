import { cityCode, HUMAN_ROLES, monthString, ROLES, setBudgetSchema, yearOf } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BudgetDB } from '../db';
import { budgetPosition, setBudget } from './budget.repository';

export const yearCity = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, 'must be a four-digit year')
    .transform(Number),
  cityCode,
});
export const monthCity = z.object({ month: monthString, cityCode });

// The shared schema allows any list of lines; a category twice would make "the" amount ambiguous.
export const setBudgetBody = setBudgetSchema.superRefine((body, ctx) => {
  const seen = new Set<string>();
  body.lines.forEach((line, i) => {
    if (seen.has(line.category)) {
      ctx.addIssue({ code: 'custom', path: ['lines', i, 'category'], message: 'each category may appear only once' });
    }
    seen.add(line.category);
  });
});

/**
 * Annual budgets per city and category, and what remains of them. The province sets them;
 * anyone may read them (a city agency its own city's), and the cycle reads what remains.
 */
export function budgetRoutes(db: Kysely<BudgetDB>, access: Guard): Router {
  const router = Router();
  router.put('/budgets/:year/:cityCode', access(['provincial_agency']), async (req, res) => {
    const { year, cityCode: city } = parse(yearCity, req.params, 'params');
    res.json(await setBudget(db, year, city, parse(setBudgetBody, req.body)));
  });
  router.get('/budgets/remaining/:month/:cityCode', access(ROLES, 'params'), async (req, res) => {
    const { month, cityCode: city } = parse(monthCity, req.params, 'params');
    res.json(await budgetPosition(db, yearOf(month), city));
  });
  router.get('/budgets/:year/:cityCode', access(HUMAN_ROLES, 'params'), async (req, res) => {
    const { year, cityCode: city } = parse(yearCity, req.params, 'params');
    res.json(await budgetPosition(db, year, city));
  });
  return router;
}
