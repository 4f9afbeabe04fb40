import type { ColumnType, Selectable } from 'kysely';

/** One category of a city's annual budget. */
export interface BudgetTable {
  year: number;
  city_code: string;
  category: string;
  amount_fen: ColumnType<string, string | bigint, string | bigint>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type BudgetRow = Selectable<BudgetTable>;
