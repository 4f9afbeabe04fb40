import { publishRateVersionSchema } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CollectionDB } from '../db';
import { listRateVersions, publishRateVersion, reviseRateVersion } from './rate.repository';

export const versionParams = z.object({ effectiveFrom: z.iso.date('must be a date written YYYY-MM-DD') });

/** The rates as data: every version, each in force from its first day; the provincial agency publishes the next. */
export function rateRoutes(db: Kysely<CollectionDB>, access: Guard): Router {
  const router = Router();
  router.get(
    '/rates/versions',
    access(['city_agency', 'hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator', 'system']),
    async (_req, res) => {
      res.json({ versions: await listRateVersions(db) });
    },
  );
  router.post('/rates/versions', access(['provincial_agency']), async (req, res) => {
    const input = parse(publishRateVersionSchema, req.body);
    res.status(201).json(await publishRateVersion(db, input, req.actor!.userId));
  });
  router.put('/rates/versions/:effectiveFrom', access(['provincial_agency']), async (req, res) => {
    const { effectiveFrom } = parse(versionParams, req.params, 'params');
    const input = parse(publishRateVersionSchema, req.body);
    res.json(await reviseRateVersion(db, effectiveFrom, input, req.actor!.userId));
  });
  return router;
}
