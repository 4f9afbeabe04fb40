import type { ColumnType, Generated, Selectable } from 'kysely';

/** One published version of the benefit standards; never rewritten once stored. */
export interface BenefitStandardTable {
  version: string;
  effective_month: string;
  /** The standard as benefitStandardSchema describes it (pg returns jsonb parsed). */
  body: ColumnType<unknown, string, never>;
  published_by: string;
  published_role: string;
  published_at: Generated<Date>;
}
export type BenefitStandardRow = Selectable<BenefitStandardTable>;

/** The province-wide figures of one calendar year; never rewritten once stored. */
export interface YearlyParametersTable {
  year: number;
  average_monthly_wage_fen: ColumnType<string, string | bigint, never>;
  minimum_monthly_wage_fen: ColumnType<string, string | bigint, never>;
  national_urban_disposable_income_fen: ColumnType<string, string | bigint, never>;
  published_by: string;
  published_role: string;
  published_at: Generated<Date>;
}
export type YearlyParametersRow = Selectable<YearlyParametersTable>;
