import type { ColumnType, Generated, Selectable } from 'kysely';

type Fen = ColumnType<string, string | bigint, never>;

/** A city's transfer as the provincial special account received it. */
export interface ReceiptTable {
  id: Generated<string>;
  month: string;
  city_code: string;
  amount_fen: Fen;
  transfer_id: string;
  idempotency_key: string;
  created_at: Generated<Date>;
}
export type Receipt = Selectable<ReceiptTable>;

/** Life of a reservation: earmarked, then either allocated (consumed) or given back (released). */
export type ReservationStatus = 'active' | 'released' | 'consumed';

/** Pool money earmarked for a city's approved plan until it is allocated. */
export interface ReservationTable {
  id: Generated<string>;
  month: string;
  city_code: string;
  amount_fen: Fen;
  status: ColumnType<ReservationStatus, ReservationStatus | undefined, ReservationStatus>;
  idempotency_key: string;
  created_at: Generated<Date>;
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type Reservation = Selectable<ReservationTable>;

/** Money moved from the special account to a city's expenditure account. */
export interface AllocationTable {
  id: Generated<string>;
  month: string;
  city_code: string;
  reservation_id: string;
  amount_fen: Fen;
  idempotency_key: string;
  created_at: Generated<Date>;
}
export type Allocation = Selectable<AllocationTable>;
