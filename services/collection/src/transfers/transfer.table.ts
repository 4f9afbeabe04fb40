import type { ColumnType, Generated, Selectable } from 'kysely';

export interface TransferTable {
  id: Generated<string>;
  month: string;
  city_code: string;
  amount_fen: ColumnType<string, string | bigint, never>;
  contribution_count: number;
  idempotency_key: string;
  reversed_at: Date | null;
  created_at: Generated<Date>;
}
export type Transfer = Selectable<TransferTable>;
