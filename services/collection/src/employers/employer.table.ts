import type { ColumnType, Generated, Selectable } from 'kysely';

export interface EmployerTable {
  id: Generated<string>;
  city_code: string;
  name: string;
  industry_class: number;
  rate_bp: number;
  monthly_payroll_fen: ColumnType<string, string | bigint, string | bigint>;
  created_at: Generated<Date>;
}
export type Employer = Selectable<EmployerTable>;

/** 2015 benchmark rates of the eight industry risk classes, in basis points of payroll. */
export const BENCHMARK_RATE_BP: Readonly<Record<number, number>> = Object.freeze({
  1: 20, 2: 40, 3: 70, 4: 90, 5: 110, 6: 130, 7: 160, 8: 190,
});
