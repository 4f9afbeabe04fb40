import { cityCode, monthString, transferRequestSchema, type TransferRequest } from '@fund/shared';
import { parse, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CollectionDB } from '../db';
import { reconcileCollection, reverseTransfer, transferToProvince } from './transfer.repository';

export const monthCity = z.object({ month: monthString, cityCode });

/** Runs before a transfer sweeps the city's income account (the demo tax bureau's reports). */
export type BeforeTransfer = (input: TransferRequest) => Promise<unknown>;

/** The city-to-province transfer (the cycle moves it) and the collection side of reconciliation. */
export function transferRoutes(db: Kysely<CollectionDB>, access: Guard, beforeTransfer?: BeforeTransfer): Router {
  const router = Router();
  router.post('/transfers', access(['system']), async (req, res) => {
    const input = parse(transferRequestSchema, req.body);
    if (beforeTransfer) await beforeTransfer(input);
    const result = await transferToProvince(db, input);
    res.status(result.replayed ? 200 : 201).json(result);
  });
  router.post('/transfers/reversals', access(['system']), async (req, res) => {
    res.json(await reverseTransfer(db, parse(transferRequestSchema, req.body)));
  });
  router.get('/reconciliation/:month/:cityCode', access(['system', 'provincial_agency', 'operator']), async (req, res) => {
    const { month, cityCode: city } = parse(monthCity, req.params, 'params');
    res.json(await reconcileCollection(db, month, city));
  });
  return router;
}
