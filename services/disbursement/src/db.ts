import type { IdempotencyTable, LedgerTables } from '@fund/shared/server';
import type { Kysely, Transaction } from 'kysely';
import type { AuditEventTable } from './audit/audit.table';
import type { EntitlementTable } from './entitlements/entitlement.table';
import type { PaymentHoldTable, SharedIdentifierTable } from './holds/hold.table';
import type { PaymentTable, PayoutBatchTable, PayoutRunTable } from './payouts/payout.table';
import type { AllocationTable, ReceiptTable, ReservationTable } from './pool/pool.table';
import type { BeneficiaryTable, OneTimeClaimTable } from './register/beneficiary.table';
import type { BenefitStandardTable, YearlyParametersTable } from './standards/standards.table';

/** The disbursement schema. */
export interface DisbursementDB extends LedgerTables, IdempotencyTable {
  beneficiaries: BeneficiaryTable;
  one_time_claims: OneTimeClaimTable;
  receipts: ReceiptTable;
  reservations: ReservationTable;
  allocations: AllocationTable;
  payout_runs: PayoutRunTable;
  entitlements: EntitlementTable;
  payout_batches: PayoutBatchTable;
  payments: PaymentTable;
  benefit_standards: BenefitStandardTable;
  yearly_parameters: YearlyParametersTable;
  payment_holds: PaymentHoldTable;
  shared_identifiers: SharedIdentifierTable;
  audit_events: AuditEventTable;
}
/** The schema, or a transaction on it: what repository functions take. */
export type Db = Kysely<DisbursementDB> | Transaction<DisbursementDB>;

/** Ledger accounts of the disbursement side (debit balances are positive). */
export const accounts = {
  /** The provincial special financial account of the social security fund: the pool. */
  special: 'special',
  /** Counterpart of the special account's opening balance. */
  openingBalance: 'opening_balance',
  /** Counterpart of what a city has remitted to the pool (credit balance). */
  remittance: (city: string) => `remittance:${city}`,
  /** A city's expenditure account: allocations land here, benefits leave from here. */
  expenditure: (city: string) => `expenditure:${city}`,
  /** What has left a city's expenditure account to beneficiaries. */
  paidOut: (city: string) => `paid_out:${city}`,
};
