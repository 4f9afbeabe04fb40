import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { AuditEvent } from '../../audit/audit.repository';
import { AUDIT_ACTIONS } from '../../audit/audit.table';
import type { HoldView } from '../../holds/hold.repository';
import type { HoldDecision } from '../../holds/hold.service';
import { fen, instant } from './common.schema';

export const holdDoc = z
  .object({
    entitlementId: z.string(),
    beneficiaryId: z.string(),
    name: z.string(),
    month: z.string(),
    cityCode: z.string(),
    type: z.string(),
    periodMonth: z.string().nullable(),
    amountFen: fen,
    rules: z.array(z.string()).meta({ description: 'the supervision rules that held the payment' }),
    reason: z.string(),
    status: z.enum(['open', 'released', 'cancelled']),
    heldAt: instant,
    decidedAt: instant.nullable(),
    decidedBy: z.string().nullable(),
    decidedRole: z.string().nullable(),
    decisionReason: z.string().nullable(),
    paid: z.boolean(),
  })
  .meta({ id: 'Hold', description: 'A payment the supervision rules held for review.' });

export const auditEventDoc = z
  .object({
    id: z.string(),
    at: instant,
    userId: z.string(),
    role: z.string(),
    from: z.string().nullable(),
    action: z.enum(AUDIT_ACTIONS),
    entitlementId: z.string().nullable(),
    month: z.string().nullable(),
    cityCode: z.string().nullable(),
    reason: z.string(),
    detail: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'DisbursementAuditEvent', description: 'One row of the audit trail, chained by sha256 to the row before.' });

export const holdWithAuditDoc = holdDoc.extend({ audit: z.array(auditEventDoc) }).meta({ id: 'HoldWithAudit' });

export const holdDecisionDoc = z
  .object({
    hold: holdDoc,
    paid: z.boolean().meta({ description: "for a release: paid at once (the run's batches were done), else left to the next batch" }),
    paidFen: fen,
    failed: z.boolean(),
  })
  .meta({ id: 'HoldDecision' });

export const chainVerificationDoc = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    lastId: z.string().nullable(),
    lastHash: z.string(),
    broken: z.object({ id: z.string(), reason: z.string() }).nullable(),
  })
  .meta({ id: 'ChainVerification', description: 'Whether every row of the audit trail hashes to what the next row says.' });

agree<Same<z.infer<typeof holdDoc>, HoldView>>();
agree<Same<z.infer<typeof holdDecisionDoc>, HoldDecision>>();
agree<Same<z.infer<typeof auditEventDoc>, AuditEvent>>();
