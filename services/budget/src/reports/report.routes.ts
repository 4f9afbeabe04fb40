import { monthString, storeReportSchema } from '@fund/shared';
import { notFound, parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BudgetDB } from '../db';
import { findReport, storeReport } from './report.repository';

/** The stored monthly reconciliation reports. */
export function reportRoutes(db: Kysely<BudgetDB>, access: Guard): Router {
  const router = Router();
  router.post('/reports', access(['system']), async (req, res) => {
    const { stored, created } = await storeReport(db, parse(storeReportSchema, req.body));
    res.status(created ? 201 : 200).json(stored);
  });
  router.get('/reports/:month', access(['hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator']), async (req, res) => {
    const { month } = parse(z.object({ month: monthString }), req.params, 'params');
    const report = await findReport(db, month);
    if (!report) throw notFound(`reconciliation report for ${month}`);
    res.json(report);
  });
  return router;
}
