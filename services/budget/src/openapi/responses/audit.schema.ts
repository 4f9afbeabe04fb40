import { agree, type ChainVerification, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { AuditEvent } from '../../audit/audit.repository';
import { AUDIT_ACTIONS } from '../../audit/audit.table';
import { instant } from './common.schema';

export const auditEventDoc = z
  .object({
    id: z.string(),
    at: instant,
    userId: z.string(),
    role: z.string(),
    from: z.string().nullable(),
    action: z.enum(AUDIT_ACTIONS),
    decision: z.string().nullable(),
    month: z.string(),
    cityCode: z.string(),
    planVersion: z.number().int().nullable(),
    outcome: z.enum(['accepted', 'refused']),
    rule: z.string().nullable().meta({ description: 'the rule that refused it, as the caller was told' }),
    detail: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent', description: 'One decision attempt, chained by sha256 to the row before.' });

export const chainVerificationDoc = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    lastId: z.string().nullable(),
    lastHash: z.string(),
    broken: z.object({ id: z.string(), reason: z.string() }).nullable(),
  })
  .meta({ id: 'ChainVerification', description: 'Whether every row of the audit trail hashes to what the next row says.' });

agree<Same<z.infer<typeof auditEventDoc>, AuditEvent>>();
agree<Same<z.infer<typeof chainVerificationDoc>, ChainVerification>>();
