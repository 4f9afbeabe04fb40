import { cityCode, registerEmployerSchema } from '@fund/shared';
import { notFound, parse, requireOwnCity, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CollectionDB } from '../db';
import { findEmployer, insertEmployer, listEmployers } from './employer.repository';
import type { Employer } from './employer.table';

/** An employer id: a bigint, so at most 18 digits (more would overflow the column, not name an employer). */
const EMPLOYER_ID = /^\d{1,18}$/;

const listQuery = z.object({
  cityCode,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().regex(EMPLOYER_ID, 'must be an employer id').optional(),
});

function present(e: Employer) {
  return {
    id: e.id,
    cityCode: e.city_code,
    name: e.name,
    industryClass: e.industry_class,
    rateBp: e.rate_bp,
    monthlyPayrollFen: e.monthly_payroll_fen,
  };
}

/** Employers: who pays contributions, in which risk class, on what payroll. A city agency registers and reads its own city's. */
export function employerRoutes(db: Kysely<CollectionDB>, access: Guard): Router {
  const router = Router();
  router.post('/employers', access(['city_agency', 'provincial_agency'], 'body'), async (req, res) => {
    const input = parse(registerEmployerSchema, req.body);
    res.status(201).json(present(await insertEmployer(db, input)));
  });
  router.get('/employers', access(['city_agency', 'provincial_agency', 'operator'], 'query'), async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    res.json({ employers: (await listEmployers(db, q.cityCode, q.limit, q.after ?? null)).map(present) });
  });
  router.get('/employers/:id', access(['city_agency', 'provincial_agency', 'operator']), async (req, res) => {
    const id = String(req.params.id);
    const employer = EMPLOYER_ID.test(id) ? await findEmployer(db, id) : undefined;
    if (!employer) throw notFound(`employer ${id}`);
    requireOwnCity(req.actor!, employer.city_code);
    res.json(present(employer));
  });
  return router;
}
