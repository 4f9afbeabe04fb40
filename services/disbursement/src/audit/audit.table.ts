import type { ColumnType, Selectable } from 'kysely';

/** What the disbursement audit trail records. */
export const AUDIT_ACTIONS = ['hold', 'release', 'cancel', 'publish_standard', 'publish_yearly_parameters'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One row of the disbursement audit trail: a payment held by the fraud rules, a reviewer's release
 * or cancellation, or a publication of standards. Rows are never updated or deleted (a trigger
 * refuses it); each carries the sha256 of its canonical content and of the row before.
 */
export interface AuditEventTable {
  // Taken from the sequence under the append lock, so it is part of the hashed content.
  id: ColumnType<string, string, never>;
  at: ColumnType<Date, Date, never>;
  user_id: ColumnType<string, string, never>;
  role: ColumnType<string, string, never>;
  from_ip: ColumnType<string | null, string | null, never>;
  action: ColumnType<AuditAction, AuditAction, never>;
  entitlement_id: ColumnType<string | null, string | null, never>;
  month: ColumnType<string | null, string | null, never>;
  city_code: ColumnType<string | null, string | null, never>;
  reason: ColumnType<string, string, never>;
  /** Canonical JSON text (sorted keys): stored as written, so the hash recomputes byte for byte. */
  detail: ColumnType<string, string, never>;
  prev_hash: ColumnType<string, string, never>;
  hash: ColumnType<string, string, never>;
}
export type AuditEventRow = Selectable<AuditEventTable>;
