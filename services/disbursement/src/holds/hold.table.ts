import type { ColumnType, Generated, Selectable } from 'kysely';
import type { HoldRule } from '../supervision';

/** open until a reviewer releases the payment (paid next) or cancels it (never paid). */
export type HoldStatus = 'open' | 'released' | 'cancelled';

/** A payment the fraud rules held before it left, with every rule that fired and the review's outcome. */
export interface PaymentHoldTable {
  id: Generated<string>;
  entitlement_id: string;
  beneficiary_id: string;
  month: string;
  city_code: string;
  batch_id: string;
  amount_fen: ColumnType<string, string | bigint, never>;
  rules: HoldRule[];
  reason: string;
  status: ColumnType<HoldStatus, HoldStatus | undefined, HoldStatus>;
  held_at: Generated<Date>;
  decided_at: Date | null;
  decided_by: string | null;
  decided_role: string | null;
  decision_reason: string | null;
}
export type PaymentHold = Selectable<PaymentHoldTable>;

/** An ID number or bank account (hash) more than one beneficiary carries; kept by triggers on the register. */
export interface SharedIdentifierTable {
  kind: 'id_number' | 'bank_account';
  hash: string;
  /** Numbered from `register_changes` when it was found shared. */
  changed_seq: ColumnType<string, never, never>;
}
