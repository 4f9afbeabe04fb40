import { notFound, parse, requireOwnCity, type Guard } from '@fund/shared/server';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { listAuditEvents, verifyAuditChain } from '../audit/audit.repository';
import type { BankGateway } from '../bank/bank.gateway';
import type { DisbursementDB } from '../db';
import { findHold, listHolds } from './hold.repository';
import { decideHold } from './hold.service';
import { entitlementParam, holdDecisionSchema, listAuditQuery, listHoldsQuery } from './hold.schema';

/** Who reviews a payment the fraud rules held. */
const REVIEWERS = ['hrss_reviewer', 'provincial_agency'] as const;
const READERS = ['hrss_reviewer', 'provincial_agency', 'operator'] as const;

/**
 * Payments held by the supervision rules and their review: list, look at one with its audit trail,
 * release (paid next) or cancel (never paid), each with a reason; and the audit trail itself.
 */
export function holdRoutes(db: Kysely<DisbursementDB>, bank: BankGateway, access: Guard): Router {
  const router = Router();
  router.get('/holds', access([...READERS, 'city_agency'], 'query'), async (req, res) => {
    const q = parse(listHoldsQuery, req.query, 'query');
    res.json({ month: q.month, holds: await listHolds(db, q) });
  });
  router.get('/holds/:entitlementId', access([...READERS, 'city_agency']), async (req, res) => {
    const { entitlementId } = parse(entitlementParam, req.params, 'params');
    const hold = await findHold(db, entitlementId);
    if (!hold) throw notFound(`hold on entitlement ${entitlementId}`);
    requireOwnCity(req.actor!, hold.cityCode);
    res.json(hold);
  });
  for (const decision of ['release', 'cancel'] as const) {
    router.post(`/holds/:entitlementId/${decision}`, access(REVIEWERS), async (req, res) => {
      const { entitlementId } = parse(entitlementParam, req.params, 'params');
      const { reason } = parse(holdDecisionSchema, req.body);
      res.json(await decideHold(db, bank, entitlementId, decision, reason, req.actor!));
    });
  }
  router.get('/audit', access(READERS), async (req, res) => {
    const q = parse(listAuditQuery, req.query, 'query');
    res.json({ events: await listAuditEvents(db, q) });
  });
  router.get('/audit/verify', access(READERS), async (_req, res) => {
    res.json(await verifyAuditChain(db));
  });
  return router;
}
