import { allocationRequestSchema, receiptRequestSchema, releaseRequestSchema, reservationRequestSchema } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { DisbursementDB } from '../db';
import { allocate, poolPosition, receiveTransfer, release, reserve } from './pool.repository';

/**
 * The provincial special account: receipts from cities, reservations, allocations to cities.
 * Only the cycle moves money; the province, finance and operators read the balance.
 */
export function poolRoutes(db: Kysely<DisbursementDB>, access: Guard): Router {
  const router = Router();
  router.post('/pool/receipts', access(['system']), async (req, res) => {
    const result = await receiveTransfer(db, parse(receiptRequestSchema, req.body));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  router.get('/pool', access(['system', 'finance_reviewer', 'provincial_agency', 'operator']), async (_req, res) => {
    res.json(await poolPosition(db));
  });
  router.post('/pool/reservations', access(['system']), async (req, res) => {
    const result = await reserve(db, parse(reservationRequestSchema, req.body));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  router.post('/pool/reservations/release', access(['system']), async (req, res) => {
    res.json(await release(db, parse(releaseRequestSchema, req.body)));
  });
  router.post('/allocations', access(['system']), async (req, res) => {
    const result = await allocate(db, parse(allocationRequestSchema, req.body));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  return router;
}
