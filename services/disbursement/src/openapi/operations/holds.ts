import { json, ok, roles, type ApiOperation } from '@fund/shared/server';
import { z } from 'zod';
import { entitlementParam, holdDecisionSchema, listAuditQuery, listHoldsQuery } from '../../holds/hold.schema';
import { auditEventDoc, chainVerificationDoc, holdDecisionDoc, holdDoc, holdWithAuditDoc } from '../responses/holds.schema';
import { errors, OWN_CITY } from './common';

const HOLD_REVIEWERS = ['hrss_reviewer', 'provincial_agency'] as const;
const HOLD_READERS = ['hrss_reviewer', 'provincial_agency', 'operator'] as const;

const holdDecisions: ApiOperation[] = (['release', 'cancel'] as const).map((decision) => ({
  method: 'post',
  path: `/holds/{entitlementId}/${decision}`,
  operationId: `${decision}Hold`,
  tags: ['Holds'],
  summary:
    decision === 'release' ? 'Release a held payment: it is paid (now, or with the next batch)' : 'Cancel a held payment: it is never paid',
  ...roles(HOLD_REVIEWERS, 'The reason is recorded in the audit trail.'),
  request: {
    params: entitlementParam,
    body: {
      required: true,
      content: json(holdDecisionSchema, { reason: 'bank statement and death certificate checked with the city agency' }),
    },
  },
  responses: { 200: ok('The hold as decided', holdDecisionDoc), ...errors(400, 401, 403, 404, 409) },
}));

/** Payments the supervision rules held, their review, and the audit trail. */
export const holdOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/holds',
    operationId: 'listHolds',
    tags: ['Holds'],
    summary: 'Payments the supervision rules held in a month',
    ...roles([...HOLD_READERS, 'city_agency'], 'A city agency only for its own city (the cityCode query parameter).'),
    request: { query: listHoldsQuery },
    responses: { 200: ok('The holds', z.object({ month: z.string(), holds: z.array(holdDoc) })), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/holds/{entitlementId}',
    operationId: 'getHold',
    tags: ['Holds'],
    summary: 'One held payment with its audit trail',
    ...roles([...HOLD_READERS, 'city_agency'], OWN_CITY),
    request: { params: entitlementParam },
    responses: { 200: ok('The hold', holdWithAuditDoc), ...errors(400, 401, 403, 404) },
  },
  ...holdDecisions,
  {
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    tags: ['Holds'],
    summary: 'The audit trail of holds, their decisions and publications of standards',
    ...roles(HOLD_READERS),
    request: { query: listAuditQuery },
    responses: { 200: ok('Audit rows, oldest first', z.object({ events: z.array(auditEventDoc) })), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    tags: ['Holds'],
    summary: "Check the audit trail's hash chain from its first row",
    ...roles(HOLD_READERS),
    responses: { 200: ok('The verification', chainVerificationDoc), ...errors(401, 403) },
  },
];
