import { cityCode, employerGradeSchema, registerEmployerSchema } from '@fund/shared';
import type { Actor } from '@fund/shared';
import { notFound, parse, requireOwnCity, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CollectionDB } from '../db';
import { gradeHistory, scheduleEmployerGrade } from '../rates/rate.repository';
import { findEmployer, findEmployerWithRate, insertEmployer, listEmployers, type EmployerWithRate } from './employer.repository';

/** An employer id: a bigint, so at most 18 digits (more would overflow the column, not name an employer). */
const EMPLOYER_ID = /^\d{1,18}$/;

export const listQuery = z.object({
  cityCode,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().regex(EMPLOYER_ID, 'must be an employer id').optional(),
});

export function present(e: EmployerWithRate) {
  return {
    id: e.id,
    cityCode: e.city_code,
    name: e.name,
    industryClass: e.industry_class,
    // The rate in force today; a month's due reads the versions in force on that month's first day.
    rate: { benchmarkBp: e.benchmark_bp, gradePct: e.grade_pct },
    monthlyPayrollFen: e.monthly_payroll_fen,
  };
}

async function employerOf(db: Kysely<CollectionDB>, id: string, actor: Actor) {
  const employer = EMPLOYER_ID.test(id) ? await findEmployer(db, id) : undefined;
  if (!employer) throw notFound(`employer ${id}`);
  requireOwnCity(actor, employer.city_code);
  return employer;
}

/** Employers: who pays contributions, in which risk class, on what payroll. A city agency registers and reads its own city's. */
export function employerRoutes(db: Kysely<CollectionDB>, access: Guard): Router {
  const router = Router();
  router.post('/employers', access(['city_agency', 'provincial_agency'], 'body'), async (req, res) => {
    const input = parse(registerEmployerSchema, req.body);
    const employer = await insertEmployer(db, input);
    res.status(201).json(present((await findEmployerWithRate(db, employer.id))!));
  });
  router.get('/employers', access(['city_agency', 'provincial_agency', 'operator'], 'query'), async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    res.json({ employers: (await listEmployers(db, q.cityCode, q.limit, q.after ?? null)).map(present) });
  });
  router.get('/employers/:id', access(['city_agency', 'provincial_agency', 'operator']), async (req, res) => {
    const employer = await employerOf(db, String(req.params.id), req.actor!);
    res.json(present((await findEmployerWithRate(db, employer.id))!));
  });
  router.get('/employers/:id/grades', access(['city_agency', 'provincial_agency', 'operator', 'system']), async (req, res) => {
    const employer = await employerOf(db, String(req.params.id), req.actor!);
    res.json({ employerId: employer.id, industryClass: employer.industry_class, grades: await gradeHistory(db, employer.id) });
  });
  // The rate review publishes each employer's new grade; the provincial agency may set one by hand.
  router.post('/employers/:id/grades', access(['provincial_agency', 'system']), async (req, res) => {
    const employer = await employerOf(db, String(req.params.id), req.actor!);
    const input = parse(employerGradeSchema, req.body);
    const grades = await scheduleEmployerGrade(db, employer, input, req.actor!.userId);
    res.status(201).json({ employerId: employer.id, industryClass: employer.industry_class, grades });
  });
  return router;
}
