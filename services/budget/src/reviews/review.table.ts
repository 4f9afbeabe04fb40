import type { ColumnType, Generated, Selectable } from 'kysely';

/** One review decision on a plan version: who, in which role, when and why. */
export interface ReviewTable {
  id: Generated<string>;
  plan_id: string;
  step: 'hrss_review' | 'finance_review';
  decision: 'approve' | 'return' | 'cut';
  reason: string | null;
  user_id: string;
  role: string;
  idempotency_key: string;
  created_at: Generated<Date>;
}
export type Review = Selectable<ReviewTable>;

/** The lines an approve or cut decision let through. */
export interface ReviewLineTable {
  review_id: string;
  category: string;
  count: number;
  amount_fen: ColumnType<string, string | bigint, never>;
}
export type ReviewLine = Selectable<ReviewLineTable>;
