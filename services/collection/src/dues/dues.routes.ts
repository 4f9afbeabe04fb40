import { cityCode, declarePayrollSchema, monthOf, monthString } from '@fund/shared';
import { notFound, parse, requireOwnCity, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CollectionDB } from '../db';
import { findEmployer } from '../employers/employer.repository';
import { provinceToday } from '../rates/rate.repository';
import { declarePayroll } from './declaration.repository';
import { employerDues, incomeAccountMonth } from './dues.repository';

export const asOf = z.iso.date('must be a date written YYYY-MM-DD').optional();
export const accountParams = z.object({ cityCode, month: monthString });
export const employerQuery = z
  .object({ from: monthString.optional(), to: monthString.optional(), asOf })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' });

const READERS = ['system', 'city_agency', 'provincial_agency', 'operator'] as const;

/** Payroll declarations from the tax bureau, and what each employer and city owes against what came in. */
export function duesRoutes(db: Kysely<CollectionDB>, access: Guard): Router {
  const router = Router();
  router.post('/payroll-declarations', access(['provincial_agency']), async (req, res) => {
    const result = await declarePayroll(db, parse(declarePayrollSchema, req.body));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  router.get('/income-accounts/:cityCode/:month', access(READERS, 'params'), async (req, res) => {
    const { cityCode: city, month } = parse(accountParams, req.params, 'params');
    const q = parse(z.object({ asOf }), req.query, 'query');
    res.json(await incomeAccountMonth(db, city, month, q.asOf ?? provinceToday()));
  });
  router.get('/employers/:id/dues', access(READERS), async (req, res) => {
    const id = String(req.params.id);
    const employer = /^\d+$/.test(id) ? await findEmployer(db, id) : undefined;
    if (!employer) throw notFound(`employer ${id}`);
    requireOwnCity(req.actor!, employer.city_code);
    const q = parse(employerQuery, req.query, 'query');
    const day = q.asOf ?? provinceToday();
    const to = q.to ?? monthOf(new Date(`${day}T12:00:00+08:00`));
    const from = q.from ?? '0000-01';
    res.json({ employerId: employer.id, asOf: day, dues: await employerDues(db, employer.id, from, to, day) });
  });
  return router;
}
