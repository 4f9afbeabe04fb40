import type { PlanCategory } from './plan';

/** A city's payout run so far, as the payout activity and the city's Query report it. */
export interface PayoutProgress {
  total: number;
  paid: number;
  failed: number;
  held: number;
  deferred: number;
  pending: number;
  paidFen: string;
  failedFen: string;
  /** Held for review and then cancelled by a reviewer: never paid (absent before supervision existed). */
  cancelled?: number;
  /** Paid on or before the due date, of everything due in the run (absent before it was reported). */
  onTime?: OnTimeRate;
}

/** Payments made on or before their due date out of all due in a city's run (deferred ones are not due). */
export interface OnTimeRate {
  /** Entitlements due in the run: everything but the deferred. */
  due: number;
  /** Of those, paid with a payment made on or before the entitlement's due date. */
  paidOnTime: number;
  /** paidOnTime / due, 1 when nothing is due; rounded to 4 decimals. */
  rate: number;
}

/** An entitlement left out of a month's payout because finance cut the plan (the deferral rule), as the report names it. */
export interface DeferredEntitlement {
  entitlementId: string;
  beneficiaryId: string;
  /** The payee's name with all but the first character masked; a hospital's name in full. */
  name: string;
  type: string;
  category: PlanCategory;
  /** The month a long-term benefit is for; null for a one-time claim. */
  periodMonth: string | null;
  amountFen: string;
}

/** Payments held by the fraud rules and not released, of a city's run: unspent money. */
export interface HeldTotal {
  count: number;
  amountFen: string;
}

/** What a city's close tells besides its money identities; optional, as reports stored before them lack them. */
export interface CityCloseDetails {
  onTime?: OnTimeRate;
  held?: HeldTotal;
  /** Who waited: the deferred entitlements, at most DEFERRED_LIST_LIMIT of them (see `deferredCount`). */
  deferred?: DeferredEntitlement[];
  /** How many were deferred in all, and their total. */
  deferredCount?: number;
  deferredFen?: string;
}

/** What re-paying a city's returned payments did. */
export interface RepayResult {
  repaid: number;
  repaidFen: string;
  stillFailed: number;
}

/**
 * One city's part of the province's payout day: its run paid to the end of its batches (held
 * payments wait for review, as in the city's own payout), not prepared when the day's payout
 * began, or failed (the city pays itself).
 */
export type ProvincialCityPayout =
  | { cityCode: string; outcome: 'paid'; batches: number; progress: PayoutProgress }
  | { cityCode: string; outcome: 'not_prepared' }
  | { cityCode: string; outcome: 'failed'; error: string };

/**
 * The payees whose payments the bank returned and that are still unpaid, with the details the
 * operator needs to get them corrected. Carries personal ID numbers and bank accounts in full:
 * only the cycle worker reads it, and in workflow history it is encrypted by the payload codec.
 */
export interface ReturnedPayees {
  month: string;
  cityCode: string;
  /** Payees with returned payments in all (the list may be cut at `limit`). */
  count: number;
  returnedFen: string;
  payees: ReturnedPayee[];
}

export interface ReturnedPayee {
  beneficiaryId: string;
  name: string;
  idNumber: string;
  bankAccount: string;
  bankName: string;
  bankStatus: string;
  returnedFen: string;
  entitlements: number;
  lastAttempt: number;
  lastReason: string | null;
  lastFailedAt: string;
}
