import type { ColumnType, Generated, Selectable } from 'kysely';

/** Approved plan amounts of one city and month held against its annual budget. */
export interface CommitmentTable {
  id: Generated<string>;
  month: string;
  year: number;
  city_code: string;
  total_fen: ColumnType<string, string | bigint, never>;
  idempotency_key: string;
  request_hash: string;
  /** What was left of the whole annual budget right after committing; replays answer with it. */
  remaining_after_fen: ColumnType<string, string | bigint, string | bigint>;
  released_at: Date | null;
  release_key: string | null;
  created_at: Generated<Date>;
}
export type Commitment = Selectable<CommitmentTable>;

export interface CommitmentLineTable {
  commitment_id: string;
  category: string;
  count: number;
  amount_fen: ColumnType<string, string | bigint, never>;
}
export type CommitmentLine = Selectable<CommitmentLineTable>;
