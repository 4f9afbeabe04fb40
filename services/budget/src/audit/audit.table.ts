import type { ColumnType, Selectable } from 'kysely';

/** What a recorded call asked for. */
export const AUDIT_ACTIONS = [
  'submit_plan',
  'hrss_decision',
  'finance_decision',
  'repay_returned',
  'retry_step',
  'close_city',
  'begin_payout_day',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One row of the append-only audit trail: a decision taken or an attempt refused. Rows are
 * never updated or deleted; each carries the sha256 of its canonical content and of the row before.
 */
export interface AuditEventTable {
  // Taken from the sequence under the append lock, so it is part of the hashed content.
  id: ColumnType<string, string, never>;
  at: ColumnType<Date, Date, never>;
  user_id: ColumnType<string, string, never>;
  role: ColumnType<string, string, never>;
  from_ip: ColumnType<string | null, string | null, never>;
  action: ColumnType<AuditAction, AuditAction, never>;
  decision: ColumnType<string | null, string | null, never>;
  month: ColumnType<string, string, never>;
  city_code: ColumnType<string, string, never>;
  plan_version: ColumnType<number | null, number | null, never>;
  outcome: ColumnType<'accepted' | 'refused', 'accepted' | 'refused', never>;
  rule: ColumnType<string | null, string | null, never>;
  /** Canonical JSON text (sorted keys): stored as written, so the hash recomputes byte for byte. */
  detail: ColumnType<string, string, never>;
  prev_hash: ColumnType<string, string, never>;
  hash: ColumnType<string, string, never>;
}
export type AuditEventRow = Selectable<AuditEventTable>;
