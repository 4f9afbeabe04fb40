import type { IdempotencyTable, LedgerTables } from '@fund/shared/server';
import type { Kysely, Transaction } from 'kysely';
import type { ContributionTable } from './contributions/contribution.table';
import type { PayrollDeclarationTable } from './dues/declaration.table';
import type { EmployerTable } from './employers/employer.table';
import type { BenchmarkRateTable, EmployerGradeTable, FloatingGradeTable, RateVersionTable } from './rates/rate.table';
import type { TransferTable } from './transfers/transfer.table';

/** The collection schema. */
export interface CollectionDB extends LedgerTables, IdempotencyTable {
  employers: EmployerTable;
  contributions: ContributionTable;
  transfers: TransferTable;
  rate_versions: RateVersionTable;
  benchmark_rates: BenchmarkRateTable;
  floating_grades: FloatingGradeTable;
  employer_grades: EmployerGradeTable;
  payroll_declarations: PayrollDeclarationTable;
}
export type Db = Kysely<CollectionDB> | Transaction<CollectionDB>;

/** Ledger accounts of the collection side. */
export const accounts = {
  /** Where a city's collections land. */
  income: (city: string) => `income:${city}`,
  /** Counterpart of contributions the tax bureau reports for a city. */
  contributions: (city: string) => `contributions:${city}`,
  /** Money a city has sent up to the provincial special account. */
  remittedToProvince: (city: string) => `remitted_to_province:${city}`,
};
