import type { ColumnType, Generated, Selectable } from 'kysely';

/** One submitted version of a city's expenditure plan for a month. */
export interface PlanTable {
  id: Generated<string>;
  month: string;
  city_code: string;
  version: number;
  total_fen: ColumnType<string, string | bigint, never>;
  submitted_by: string;
  submitted_role: string;
  idempotency_key: string;
  created_at: Generated<Date>;
}
export type Plan = Selectable<PlanTable>;

export interface PlanLineTable {
  plan_id: string;
  category: string;
  count: number;
  amount_fen: ColumnType<string, string | bigint, never>;
}
export type PlanLineRow = Selectable<PlanLineTable>;
