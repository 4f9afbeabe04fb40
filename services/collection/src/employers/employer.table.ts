import type { ColumnType, Generated, Selectable } from 'kysely';

export interface EmployerTable {
  id: Generated<string>;
  city_code: string;
  name: string;
  industry_class: number;
  monthly_payroll_fen: ColumnType<string, string | bigint, string | bigint>;
  created_at: Generated<Date>;
}
export type Employer = Selectable<EmployerTable>;
