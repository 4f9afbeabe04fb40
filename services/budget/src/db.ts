import type { IdempotencyTable } from '@fund/shared/server';
import type { Kysely, Transaction } from 'kysely';
import type { AuditEventTable } from './audit/audit.table';
import type { BudgetTable } from './budgets/budget.table';
import type { CommitmentLineTable, CommitmentTable } from './commitments/commitment.table';
import type { PlanLineTable, PlanTable } from './plans/plan.table';
import type { ReportTable } from './reports/report.table';
import type { ReviewLineTable, ReviewTable } from './reviews/review.table';

/** The budget schema. */
export interface BudgetDB extends IdempotencyTable {
  budgets: BudgetTable;
  commitments: CommitmentTable;
  commitment_lines: CommitmentLineTable;
  plans: PlanTable;
  plan_lines: PlanLineTable;
  reviews: ReviewTable;
  review_lines: ReviewLineTable;
  reports: ReportTable;
  audit_events: AuditEventTable;
}
export type Db = Kysely<BudgetDB> | Transaction<BudgetDB>;

/** True when a statement broke a unique constraint (PostgreSQL 23505): a concurrent twin got there first. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
