import type { ColumnType, Generated, Selectable } from 'kysely';

/** The tax bureau's declaration of an employer's payroll for a month. */
export interface PayrollDeclarationTable {
  id: Generated<string>;
  employer_id: string;
  city_code: string;
  month: string;
  payroll_fen: ColumnType<string, string | bigint, never>;
  reference: string;
  declared_at: Generated<Date>;
}
export type PayrollDeclaration = Selectable<PayrollDeclarationTable>;
