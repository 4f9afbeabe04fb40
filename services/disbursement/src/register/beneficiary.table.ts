import type { ColumnType, Generated, Selectable } from 'kysely';

/** Who a payee is: an injured worker, a deceased worker's dependants, or a hospital. */
export type BeneficiaryKind = 'worker' | 'dependant_household' | 'hospital';
/** Status of the injury case (the benefits module's CaseFacts.status); a dependant household's case is 'deceased'. */
export type BeneficiaryStatus = 'active' | 'suspended' | 'deceased' | 'retired';
/** Whether the bank details are known good; the simulated bank rejects payments to 'invalid' ones. */
export type BankStatus = 'valid' | 'invalid';

type Day = ColumnType<string | null, string | null | undefined, string | null>;

/**
 * The beneficiary register. DATE columns come back from pg as JS Dates in local time, so every
 * read casts them to text (see `beneficiaryColumns`); the declared type is that text.
 */
export interface BeneficiaryTable {
  id: Generated<string>;
  city_code: string;
  kind: BeneficiaryKind;
  name: string;
  /** Plaintext from before encryption at rest: null once the service has sealed the row, never written again. */
  id_number: ColumnType<string | null, null | undefined, null>;
  /** The ID number under the register key (see `RegisterCipher`). */
  id_number_sealed: string;
  id_number_hash: string;
  /** Plaintext from before encryption at rest, as `id_number`. */
  bank_account: ColumnType<string | null, null | undefined, null>;
  /** The bank account under the register key. */
  bank_account_sealed: string;
  bank_account_hash: string;
  bank_name: string;
  bank_status: ColumnType<BankStatus, BankStatus | undefined, BankStatus>;
  bank_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  status: ColumnType<BeneficiaryStatus, BeneficiaryStatus | undefined, BeneficiaryStatus>;
  disability_grade: number | null;
  own_wage_fen: ColumnType<string | null, string | bigint | null | undefined, string | bigint | null>;
  nursing_level: 'full' | 'most' | 'partial' | null;
  injury_recognition_date: Day;
  death_date: Day;
  death_cause: 'work_injury' | 'other' | null;
  retirement_date: Day;
  dependants: ColumnType<unknown, string, string>;
  /** Bumped by a trigger whenever a case fact changes. */
  facts_version: ColumnType<number, never, never>;
  /** Numbered from `register_changes` on every write (see the register_changes migration). */
  changed_seq: ColumnType<string, never, never>;
  created_at: Generated<Date>;
}
export type Beneficiary = Selectable<BeneficiaryTable>;

/** What a one-time claim is for. */
export type ClaimType = 'disability_subsidy' | 'death_benefits' | 'medical_settlement';
/** A claim is approved before it is paid; only approved, unpaid claims enter a payout. */
export type ClaimStatus = 'pending' | 'approved' | 'paid';

/** A one-time benefit claim (or a hospital's medical settlement) against a beneficiary's case. */
export interface OneTimeClaimTable {
  id: Generated<string>;
  beneficiary_id: string;
  city_code: string;
  type: ClaimType;
  status: ColumnType<ClaimStatus, ClaimStatus | undefined, ClaimStatus>;
  billed_fen: ColumnType<string | null, string | bigint | null | undefined, never>;
  approved_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  paid_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Generated<Date>;
}
export type OneTimeClaim = Selectable<OneTimeClaimTable>;
