import type { PlanCategory } from '@fund/shared';
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { EntitlementType } from '../benefits';

/** What the fund owes: a benefit from the standards, or a hospital's medical settlement. */
export type PayableType = EntitlementType | 'medical_settlement';

/**
 * pending -> paid | failed (bank rejected; failed -> paid when re-paid); held = stopped for a
 * fraud review (-> pending when a reviewer releases it, -> cancelled when one cancels it, never
 * paid); deferred = left out of this month's run because finance cut the plan.
 */
export type EntitlementStatus = 'pending' | 'held' | 'deferred' | 'paid' | 'failed' | 'cancelled';
/** Every entitlement status, in life order. */
export const ENTITLEMENT_STATUSES: readonly EntitlementStatus[] = ['pending', 'held', 'deferred', 'paid', 'failed', 'cancelled'];

/** One amount owed to one beneficiary, scheduled in one month's payout run. */
export interface EntitlementTable {
  id: Generated<string>;
  payout_month: string;
  period_month: string | null;
  city_code: string;
  beneficiary_id: string;
  claim_id: string | null;
  type: PayableType;
  category: PlanCategory;
  dependant_index: number | null;
  amount_fen: ColumnType<string, string | bigint, never>;
  basis: string;
  due_date: Date;
  status: ColumnType<EntitlementStatus, EntitlementStatus | undefined, EntitlementStatus>;
  hold_reason: string | null;
  /** The supervision rules that held it (see payment_holds for the review). */
  hold_rules: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** The beneficiary's facts_version and the amount when it was computed: the batch screening recomputes only where either changed. */
  facts_version: ColumnType<number | null, number | null | undefined, never>;
  computed_fen: ColumnType<string | null, string | bigint | null | undefined, never>;
  /** When it was paid (its paid payment's created_at); null until then. */
  paid_at: ColumnType<Date | null, never, Date | null>;
  /** A supervision rule could hold it as the register stood at preparation (see the register_changes migration). */
  watch: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  /** The payee's account (hash) when the run was prepared; null: read it from the register when paying. */
  bank_account_hash: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type EntitlementRow = Selectable<EntitlementTable>;
