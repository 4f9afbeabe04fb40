import {
  cityCode,
  closeCityUpdate,
  ErrorCode,
  financeDecisionUpdate,
  HUMAN_ROLES,
  hrssDecisionUpdate,
  monthString,
  planLinesSchema,
  planLineSchema,
  retryStepUpdate,
  submitPlanUpdate,
} from '@fund/shared';
import { HttpError, parse, type Guard } from '@fund/shared/server';
import { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAuditEvent, type NewAuditEvent } from '../audit/audit.repository';
import type { AuditAction } from '../audit/audit.table';
import type { BudgetDB } from '../db';
import type { CycleGateway } from './cycle.client';
import { monthRecords } from './cycle.repository';

export const monthParams = z.object({ month: monthString });
export const cityParams = z.object({ month: monthString, cityCode });

export const submitPlanBody = z.object({ lines: planLinesSchema });
export const hrssBody = z.object({
  planVersion: z.number().int().min(1),
  decision: z.enum(['approve', 'return']),
  reason: z.string().max(2000).optional(),
});
export const financeBody = z.object({
  planVersion: z.number().int().min(1),
  decision: z.enum(['approve', 'return', 'cut']),
  reason: z.string().max(2000).optional(),
  lines: z.array(planLineSchema).optional(),
});
export const retryBody = z.object({ reason: z.string().max(2000).optional() });
export const beginPayoutDayBody = z.object({ reason: z.string().max(2000).optional() });
export const closeBody = z.object({ reason: z.string().trim().min(1, 'a reason is required to close a city').max(2000) });

const CITY = '/cycles/:month/cities/:cityCode';

/** The decision endpoints (the last path segment) and what the audit trail calls each. */
const STEPS: Record<string, { action: AuditAction; decision?: string }> = {
  plan: { action: 'submit_plan', decision: 'submit' },
  'hrss-decision': { action: 'hrss_decision' },
  'finance-decision': { action: 'finance_decision' },
  repay: { action: 'repay_returned', decision: 'repay' },
  'retry-step': { action: 'retry_step', decision: 'retry' },
  'close-city': { action: 'close_city', decision: 'close' },
  'payout-day': { action: 'begin_payout_day', decision: 'begin' },
};

function actorOf(req: Request) {
  return req.actor!;
}

/** A caller's text kept for the record: no NUL (PostgreSQL text refuses it), bounded length. */
function clip(value: unknown, max: number): string | null {
  return typeof value === 'string' ? value.replace(/\0/g, '\uFFFD').slice(0, max) : null;
}

/** A plan version as the caller wrote it, when it fits the audit trail's integer column; anything else is not recorded as one. */
function recordableVersion(value: unknown): number | null {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 2_147_483_647 ? (value as number) : null;
}

/**
 * What a decision call asked for, read leniently from the raw request so that a refused,
 * malformed attempt is recorded too.
 */
function attemptOf(req: Request, step: string, planVersion?: number | null): Omit<NewAuditEvent, 'outcome' | 'rule'> {
  const actor = actorOf(req);
  const body: Record<string, unknown> = typeof req.body === 'object' && req.body !== null ? req.body : {};
  const lines = Array.isArray(body.lines) && JSON.stringify(body.lines).length <= 8_000 ? body.lines : undefined;
  const reason = clip(body.reason, 2_000);
  return {
    userId: actor.userId,
    role: actor.role,
    from: actor.from ?? null,
    action: STEPS[step]!.action,
    decision: STEPS[step]!.decision ?? clip(body.decision, 40),
    month: clip(req.params.month, 40) ?? '',
    cityCode: clip(req.params.cityCode, 40) ?? '',
    planVersion: planVersion !== undefined ? planVersion : recordableVersion(body.planVersion),
    detail: { ...(reason !== null ? { reason } : {}), ...(lines ? { lines } : {}) },
  };
}

/** The cycle API: agencies start months, reviewers decide, everyone with a role reads status. */
export function cycleRoutes(gateway: CycleGateway, db: Kysely<BudgetDB>, access: Guard): Router {
  const router = Router();

  const accepted = (req: Request, step: string, planVersion?: number | null) =>
    appendAuditEvent(db, { ...attemptOf(req, step, planVersion), outcome: 'accepted', rule: null });

  /**
   * Every refused decision attempt (403 from the guard, 400 from the edge, 404, or the rule the
   * workflow's validator or a service named) goes into the audit trail before the caller hears it.
   */
  const recordRefusal: ErrorRequestHandler = (error: unknown, req, _res, next) => {
    const step = String(req.params.step ?? '');
    if (!(error instanceof HttpError) || error.status < 400 || error.status >= 500 || error.status === 401) return next(error);
    if (req.method !== 'POST' || !req.actor || !(step in STEPS)) return next(error);
    const event = attemptOf(req, step);
    appendAuditEvent(db, {
      ...event,
      outcome: 'refused',
      rule: clip(error.message, 2_000),
      detail: { ...event.detail, status: error.status, code: error.code },
    }).then(
      () => next(error),
      (auditError: unknown) => next(auditError),
    );
  };

  router.post('/cycles', access(['provincial_agency', 'operator']), async (req, res) => {
    const { month } = parse(monthParams, req.body);
    if (!(await gateway.exists(month))) {
      // Records of a month Temporal does not know: it ran on another store, and would collide with them here.
      const held = await monthRecords(db, month);
      if (held.plans + held.commitments + held.reports > 0) {
        throw new HttpError(
          409,
          ErrorCode.MonthHasRecords,
          `${month} already has records in the budget service (${held.plans} plan versions, ${held.commitments} commitments, ` +
            `${held.reports} stored reports) but no cycle in this Temporal namespace: it ran on another Temporal store. ` +
            'Point TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE at the store that ran it; a month is never started twice.',
        );
      }
    }
    const { created, view } = await gateway.start(month);
    res.status(created ? 201 : 200).json({ created, ...view });
  });

  router.get('/cycles/:month', access(HUMAN_ROLES), async (req, res) => {
    const { month } = parse(monthParams, req.params, 'params');
    const view = await gateway.view(month);
    const actor = actorOf(req);
    // A city agency sees only its own city.
    const cities = actor.role === 'city_agency' ? view.cities.filter((c) => c.cityCode === actor.cityCode) : view.cities;
    res.json({ ...view, cities });
  });

  router.post(`${CITY}/plan`, access(['city_agency'], 'params'), async (req, res) => {
    const { month, cityCode: city } = parse(cityParams, req.params, 'params');
    const { lines } = parse(submitPlanBody, req.body);
    const status = await gateway.update(month, city, submitPlanUpdate, [{ actor: actorOf(req), lines }]);
    await accepted(req, 'plan', status.plan?.version ?? null);
    res.json(status);
  });

  router.post(`${CITY}/hrss-decision`, access(['hrss_reviewer']), async (req, res) => {
    const { month, cityCode: city } = parse(cityParams, req.params, 'params');
    const body = parse(hrssBody, req.body);
    const status = await gateway.update(month, city, hrssDecisionUpdate, [{ actor: actorOf(req), ...body }]);
    await accepted(req, 'hrss-decision');
    res.json(status);
  });

  router.post(`${CITY}/finance-decision`, access(['finance_reviewer']), async (req, res) => {
    const { month, cityCode: city } = parse(cityParams, req.params, 'params');
    const body = parse(financeBody, req.body);
    const status = await gateway.update(month, city, financeDecisionUpdate, [{ actor: actorOf(req), ...body }]);
    await accepted(req, 'finance-decision');
    res.json(status);
  });

  router.post(`${CITY}/repay`, access(['operator', 'provincial_agency', 'city_agency'], 'params'), async (req, res) => {
    const { month, cityCode: city } = parse(cityParams, req.params, 'params');
    const status = await gateway.repay(month, city, actorOf(req));
    await accepted(req, 'repay', status.plan?.version ?? null);
    res.json(status);
  });

  // An operator's decision on a city's step that failed for good: run it again, or close the city.
  router.post(`${CITY}/retry-step`, access(['operator']), async (req, res) => {
    const { month, cityCode: city } = parse(cityParams, req.params, 'params');
    const { reason } = parse(retryBody, req.body ?? {});
    const status = await gateway.update(month, city, retryStepUpdate, [{ actor: actorOf(req), ...(reason ? { reason } : {}) }]);
    await accepted(req, 'retry-step', status.plan?.version ?? null);
    res.json(status);
  });

  router.post(`${CITY}/close-city`, access(['operator']), async (req, res) => {
    const { month, cityCode: city } = parse(cityParams, req.params, 'params');
    const { reason } = parse(closeBody, req.body);
    const status = await gateway.update(month, city, closeCityUpdate, [{ actor: actorOf(req), reason }]);
    await accepted(req, 'close-city', status.plan?.version ?? null);
    res.json(status);
  });

  // The province's payout day begun early, once every city that is to be paid is prepared.
  router.post('/cycles/:month/payout-day', access(['provincial_agency', 'operator']), async (req, res) => {
    const { month } = parse(monthParams, req.params, 'params');
    const { reason } = parse(beginPayoutDayBody, req.body ?? {});
    const status = await gateway.beginPayoutDay(month, actorOf(req), reason);
    await accepted(req, 'payout-day', null);
    res.json(status);
  });

  router.use(`${CITY}/:step`, recordRefusal);
  router.use('/cycles/:month/:step', recordRefusal);

  return router;
}
