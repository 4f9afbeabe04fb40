import { z } from 'zod';
import { cityCode } from '../cities';
import { planLineSchema, type CityCloseDetails, type PayoutProgress, type PlanLine, type ProvincialCityPayout } from '../domain';
import { monthString } from '../month';
import { nonNegativeFenString } from '../money';

const idempotencyKey = z.string().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters');

/** The provincial special account receives a city's transfer. */
export const receiptRequestSchema = z.object({
  month: monthString,
  cityCode,
  amountFen: nonNegativeFenString,
  transferId: z.string().min(1),
  idempotencyKey,
});
export type ReceiptRequest = z.infer<typeof receiptRequestSchema>;

/** Finance approval earmarks pool money for a city until it is allocated. */
export const reservationRequestSchema = z.object({
  month: monthString,
  cityCode,
  amountFen: nonNegativeFenString,
  idempotencyKey,
});
export type ReservationRequest = z.infer<typeof reservationRequestSchema>;

/** Releases a city's reservation for a month (compensation, or a plan sent back after approval). */
export const releaseRequestSchema = z.object({ month: monthString, cityCode, idempotencyKey });
export type ReleaseRequest = z.infer<typeof releaseRequestSchema>;

/** What a release did; `released` is false (and `id` null) when the city had no active reservation. */
export interface ReleaseResult {
  id: string | null;
  amountFen: string;
  released: boolean;
  replayed: boolean;
}

/** Moves the approved amount from the special account to the city's expenditure account. */
export const allocationRequestSchema = z.object({
  month: monthString,
  cityCode,
  amountFen: nonNegativeFenString,
  idempotencyKey,
});
export type AllocationRequest = z.infer<typeof allocationRequestSchema>;

export interface PoolPosition {
  balanceFen: string;
  reservedFen: string;
  availableFen: string;
}

export interface MovementResult {
  id: string;
  amountFen: string;
  replayed: boolean;
}

/** A plan draft computed from the register and pending one-time claims. */
export interface PlanDraft {
  month: string;
  cityCode: string;
  lines: PlanLine[];
}

/** Builds the month's entitlements for the approved lines (deferring per the documented rule when cut). */
export const preparePayoutSchema = z.object({
  approvedLines: z.array(planLineSchema).min(1),
  dueDate: z.iso.datetime({ message: 'must be an ISO-8601 instant' }),
  idempotencyKey,
});
export type PreparePayoutRequest = z.infer<typeof preparePayoutSchema>;

export interface PreparedPayout {
  entitlements: number;
  totalFen: string;
  deferred: number;
  deferredFen: string;
}

/** Pays the next batch of pending entitlements; a repeated key answers with that batch's result. */
export const payBatchSchema = z.object({
  batchNo: z.number().int().min(0),
  batchSize: z.number().int().min(1).max(20_000),
  idempotencyKey,
});
export type PayBatchRequest = z.infer<typeof payBatchSchema>;

export interface BatchResult {
  batchNo: number;
  processed: number;
  paid: number;
  failed: number;
  held: number;
  paidFen: string;
  failedFen: string;
  done: boolean;
  /** The run's progress after the batch (absent from results stored before it was reported). */
  progress?: PayoutProgress;
}

/**
 * The province's payout day: pays every listed city whose run is prepared, city by city, each
 * run in batches of `batchSize`. Batch N of a city is keyed `${batchKeyPrefix}${N}`, the key the
 * city's own payout gives it, so whichever pays a batch first, the other replays it.
 */
export const payProvinceSchema = z.object({
  batchSize: z.number().int().min(1).max(20_000),
  cities: z
    .array(z.object({ cityCode, batchKeyPrefix: idempotencyKey }))
    .min(1, 'list at least one city')
    .refine((cities) => new Set(cities.map((c) => c.cityCode)).size === cities.length, { message: 'each city may appear only once' }),
});
export type PayProvinceRequest = z.infer<typeof payProvinceSchema>;

export interface ProvincialPayout {
  month: string;
  cities: ProvincialCityPayout[];
}

export const repayRequestSchema = z.object({ idempotencyKey });
export type RepayRequest = z.infer<typeof repayRequestSchema>;

/** A beneficiary with failed payments in a run, for operators (GET /payments, account masked). */
export interface FailedPayee {
  beneficiaryId: string;
  name: string;
  bankAccount: string;
  bankName: string;
  bankStatus: string;
  failedFen: string;
  payments: {
    paymentId: string;
    entitlementId: string;
    type: string;
    amountFen: string;
    attempt: number;
    failedAt: string;
    reason: string | null;
    repaid: boolean;
  }[];
}

/** Corrected bank details for a beneficiary; the account is re-verified before the next payment. */
export const correctBankAccountSchema = z.object({
  bankAccount: z.string().regex(/^\d{12,19}$/, 'must be a bank account number of 12-19 digits'),
  bankName: z.string().min(1).max(100),
});
export type CorrectBankAccountRequest = z.infer<typeof correctBankAccountSchema>;

export interface DisbursementReconciliation extends CityCloseDetails {
  month: string;
  cityCode: string;
  receivedFen: string;
  allocatedFen: string;
  paidFen: string;
  returnedFen: string;
  unspentFen: string;
  expenditureBalanceFen: string;
  ledgerBalanced: boolean;
}

export const monthCityParams = z.object({ month: monthString, cityCode });
