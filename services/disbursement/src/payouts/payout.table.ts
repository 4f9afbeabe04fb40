import type { ColumnType, Generated, Selectable } from 'kysely';

/** One month's payout for one city, prepared once from the approved plan. */
export interface PayoutRunTable {
  id: Generated<string>;
  month: string;
  city_code: string;
  idempotency_key: string;
  approved_lines: ColumnType<unknown, string, never>;
  envelope_fen: ColumnType<string, string | bigint, never>;
  due_date: Date;
  cursor_id: ColumnType<string, string | undefined, string>;
  /** When the last payout batch found nothing more pending; a hold released after it is paid at once. */
  batches_done_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Drawn from `register_changes` at preparation: the register changes it did not see number higher (null: prepared before). */
  register_seq: ColumnType<string | null, string | null | undefined, never>;
  created_at: Generated<Date>;
}
export type PayoutRun = Selectable<PayoutRunTable>;

/** A numbered payout batch, or a re-payment of returned payments. */
export interface PayoutBatchTable {
  id: Generated<string>;
  month: string;
  city_code: string;
  kind: 'payout' | 'repay';
  batch_no: number | null;
  idempotency_key: string;
  created_at: Generated<Date>;
}

/** The bank's answer, written with the payment: paid, or failed when it rejected the instruction. */
export type PaymentStatus = 'paid' | 'failed';

/** One instruction to the bank for one entitlement and its outcome; a re-payment is a new attempt. */
export interface PaymentTable {
  id: Generated<string>;
  batch_id: string;
  entitlement_id: string;
  beneficiary_id: string;
  month: string;
  city_code: string;
  amount_fen: ColumnType<string, string | bigint, never>;
  attempt: number;
  status: PaymentStatus;
  bank_account_hash: string;
  failure_reason: string | null;
  created_at: Generated<Date>;
}
export type Payment = Selectable<PaymentTable>;
