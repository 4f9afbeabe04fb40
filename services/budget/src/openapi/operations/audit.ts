import { ok, roles, type ApiOperation } from '@fund/shared/server';
import { z } from 'zod';
import { listQuery as auditListQuery } from '../../audit/audit.routes';
import { auditEventDoc, chainVerificationDoc } from '../responses/audit.schema';
import { errors } from './common';

/** The audit trail of decision attempts and the check of its hash chain. */
export const auditOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    tags: ['Audit'],
    summary: 'The audit trail of decision attempts, accepted and refused, oldest first',
    ...roles(['hrss_reviewer', 'finance_reviewer', 'operator']),
    request: { query: auditListQuery },
    responses: {
      200: ok('One page; pass `next` as `after` for the next', z.object({ events: z.array(auditEventDoc), next: z.string().nullable() })),
      ...errors(400, 401, 403),
    },
  },
  {
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    tags: ['Audit'],
    summary: "Check the audit trail's hash chain from its first row",
    ...roles(['operator']),
    responses: { 200: ok('The verification', chainVerificationDoc), ...errors(401, 403) },
  },
];
