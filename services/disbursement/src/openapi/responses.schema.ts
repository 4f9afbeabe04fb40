import {
  PLAN_CATEGORIES,
  planLineSchema,
  type BatchResult,
  type DisbursementReconciliation,
  type FailedPayee,
  type MovementResult,
  type PlanDraft,
  type PoolPosition,
  type PreparedPayout,
  type ProvincialPayout,
  type ReleaseResult,
  type RepayResult,
  type ReturnedPayees,
} from '@fund/shared';
import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../audit/audit.table';
import type { AuditEvent } from '../audit/audit.repository';
import type { HoldView } from '../holds/hold.repository';
import type { HoldDecision } from '../holds/hold.service';
import type { PoolReconciliation } from '../reconciliation/reconciliation.repository';
import type { presentBeneficiary } from '../register/beneficiary.routes';
import { publishStandardSchema } from '../standards/standards.schema';
import type { StoredStandard, StoredYearlyParameters } from '../standards/standards.repository';

// The answers of the disbursement service are TypeScript types; these zod schemas describe them for
// the OpenAPI document only. The `agree` checks at the bottom make tsc fail when one of them changes
// and its schema here does not.

const fen = z.string().meta({ description: 'integer fen (1/100 yuan) as a decimal string', example: '123456' });
const signedFen = z.string().meta({ description: 'integer fen as a decimal string; may be negative', example: '-1500' });
const instant = z.string().meta({ description: 'ISO-8601 instant (UTC)', example: '2027-02-03T04:05:06.000Z' });
const replayed = z.boolean().meta({ description: 'true when the idempotency key was seen before: the first answer, nothing done again' });

export const poolPositionDoc = z
  .object({ balanceFen: signedFen, reservedFen: fen, availableFen: signedFen.meta({ description: 'balance less what is reserved' }) })
  .meta({ id: 'PoolPosition', description: 'The provincial special account: its balance and what of it is reserved.' });

export const movementDoc = z
  .object({ id: z.string(), amountFen: fen, replayed })
  .meta({ id: 'MovementResult', description: 'A receipt, reservation or allocation booked (or replayed).' });

export const releaseDoc = z
  .object({ id: z.string().nullable(), amountFen: fen, released: z.boolean(), replayed })
  .meta({ id: 'ReleaseResult', description: 'What a release did; released false (id null) when the city had no active reservation.' });

export const planDraftDoc = z
  .object({ month: z.string(), cityCode: z.string(), lines: z.array(planLineSchema) })
  .meta({ id: 'PlanDraft', description: 'A plan computed from the register and approved one-time claims, for the city agency to submit.' });

const onTimeDoc = z
  .object({
    due: z.number().int(),
    paidOnTime: z.number().int(),
    rate: z.number().meta({ description: 'paidOnTime / due, 1 when nothing is due; 4 decimals' }),
  })
  .meta({ id: 'OnTimeRate', description: "Payments made on or before their due date, of all due in a city's run." });

export const payoutProgressDoc = z
  .object({
    total: z.number().int(),
    paid: z.number().int(),
    failed: z.number().int(),
    held: z.number().int(),
    deferred: z.number().int(),
    pending: z.number().int(),
    paidFen: fen,
    failedFen: fen,
    cancelled: z.number().int().optional().meta({ description: 'held for review, then cancelled by a reviewer: never paid' }),
    onTime: onTimeDoc.optional(),
  })
  .meta({ id: 'PayoutProgress', description: "A city's payout run so far." });

export const preparedDoc = z
  .object({ entitlements: z.number().int(), totalFen: fen, deferred: z.number().int(), deferredFen: fen, replayed })
  .meta({ id: 'PreparedPayout', description: "The month's entitlements built for the approved lines; those a cut left out are deferred." });

export const batchDoc = z
  .object({
    batchNo: z.number().int(),
    processed: z.number().int(),
    paid: z.number().int(),
    failed: z.number().int(),
    held: z.number().int(),
    paidFen: fen,
    failedFen: fen,
    done: z.boolean(),
    progress: payoutProgressDoc.optional(),
    replayed,
  })
  .meta({ id: 'BatchResult', description: 'One batch of payments; done when no entitlement is left pending.' });

export const repayDoc = z
  .object({ repaid: z.number().int(), repaidFen: fen, stillFailed: z.number().int(), replayed })
  .meta({ id: 'RepayResult', description: 'The returned payments paid again after their bank details were corrected.' });

const cityPayoutDoc = z
  .union([
    z.object({ cityCode: z.string(), outcome: z.literal('paid'), batches: z.number().int(), progress: payoutProgressDoc }),
    z.object({ cityCode: z.string(), outcome: z.literal('not_prepared') }),
    z.object({ cityCode: z.string(), outcome: z.literal('failed'), error: z.string() }),
  ])
  .meta({
    id: 'ProvincialCityPayout',
    description: "One city's part of the payout day: paid, not prepared, or failed (the city then pays itself).",
  });

export const provincialPayoutDoc = z
  .object({ month: z.string(), cities: z.array(cityPayoutDoc) })
  .meta({ id: 'ProvincialPayout', description: "What the province's payout day did for each listed city." });

const returnedPayeeDoc = z
  .object({
    beneficiaryId: z.string(),
    name: z.string(),
    idNumber: z.string().meta({ description: 'in full' }),
    bankAccount: z.string().meta({ description: 'in full' }),
    bankName: z.string(),
    bankStatus: z.string(),
    returnedFen: fen,
    entitlements: z.number().int(),
    lastAttempt: z.number().int(),
    lastReason: z.string().nullable(),
    lastFailedAt: instant,
  })
  .meta({ id: 'ReturnedPayee' });

export const returnedPayeesDoc = z
  .object({ month: z.string(), cityCode: z.string(), count: z.number().int(), returnedFen: fen, payees: z.array(returnedPayeeDoc) })
  .meta({
    id: 'ReturnedPayees',
    description: 'Payees whose payments the bank returned, still unpaid, with ID numbers and accounts in full: for the cycle worker only.',
  });

const failedPayeeDoc = z
  .object({
    beneficiaryId: z.string(),
    name: z.string(),
    bankAccount: z.string().meta({ description: 'masked' }),
    bankName: z.string(),
    bankStatus: z.string(),
    failedFen: fen,
    payments: z.array(
      z.object({
        paymentId: z.string(),
        entitlementId: z.string(),
        type: z.string(),
        amountFen: fen,
        attempt: z.number().int(),
        failedAt: instant,
        reason: z.string().nullable(),
        repaid: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'FailedPayee', description: 'A beneficiary with failed payments in a run, account masked.' });

export const failedPaymentsDoc = z
  .object({ month: z.string(), cityCode: z.string(), status: z.literal('failed'), beneficiaries: z.array(failedPayeeDoc) })
  .meta({ id: 'FailedPayments' });

const deferredDoc = z
  .object({
    entitlementId: z.string(),
    beneficiaryId: z.string(),
    name: z.string().meta({ description: "the payee's name, all but the first character masked (a hospital in full)" }),
    type: z.string(),
    category: z.enum(PLAN_CATEGORIES),
    periodMonth: z.string().nullable(),
    amountFen: fen,
  })
  .meta({ id: 'DeferredEntitlement', description: "An entitlement left out of a month's payout because finance cut the plan." });

export const deferredListDoc = z
  .object({ month: z.string(), cityCode: z.string(), deferred: z.array(deferredDoc), count: z.number().int(), totalFen: fen })
  .meta({ id: 'DeferredEntitlements', description: "Who waited in a city's month: the list up to the limit, the count and total of all." });

export const onTimeReportDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    due: z.number().int().optional(),
    paidOnTime: z.number().int().optional(),
    rate: z.number().optional(),
  })
  .meta({ id: 'OnTimeReport', description: "How much of a city's run was paid on time (empty before the run was prepared)." });

export const cityReconciliationDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    receivedFen: fen,
    allocatedFen: fen,
    paidFen: fen,
    returnedFen: fen,
    unspentFen: fen,
    expenditureBalanceFen: signedFen,
    ledgerBalanced: z.boolean(),
    onTime: onTimeDoc.optional(),
    held: z
      .object({ count: z.number().int(), amountFen: fen })
      .optional()
      .meta({ description: 'payments held by the fraud rules and not released' }),
    deferred: z.array(deferredDoc).optional(),
    deferredCount: z.number().int().optional(),
    deferredFen: fen.optional(),
  })
  .meta({
    id: 'DisbursementReconciliation',
    description: "The disbursement side of a city's month close: allocated = paid + returned + unspent.",
  });

export const poolReconciliationDoc = z
  .object({
    month: z.string(),
    receivedFen: fen,
    allocatedFen: fen,
    paidFen: fen,
    returnedFen: fen,
    balanceFen: signedFen,
    ledgerBalanced: z.boolean(),
  })
  .meta({ id: 'PoolReconciliation', description: 'The province-wide figures of a month, from the ledger.' });

export const beneficiaryDoc = z
  .object({
    id: z.string(),
    cityCode: z.string(),
    kind: z.enum(['worker', 'dependant_household', 'hospital']),
    name: z.string(),
    idNumber: z.string().meta({ description: 'masked' }),
    bankAccount: z.string().meta({ description: 'masked' }),
    bankName: z.string(),
    bankStatus: z.enum(['valid', 'invalid']),
    bankVerifiedAt: instant.nullable(),
    status: z.enum(['active', 'suspended', 'deceased', 'retired']),
    disabilityGrade: z.number().int().nullable(),
    ownWageFen: fen.nullable(),
    nursingLevel: z.enum(['full', 'most', 'partial']).nullable(),
    injuryRecognitionDate: z.string().nullable(),
    deathDate: z.string().nullable(),
    deathCause: z.enum(['work_injury', 'other']).nullable(),
    retirementDate: z.string().nullable(),
    dependants: z.unknown().meta({ description: 'the dependants of a deceased worker, as the register holds them' }),
  })
  .meta({ id: 'Beneficiary', description: 'A beneficiary in the register, ID number and bank account masked.' });

export const beneficiaryPageDoc = z
  .object({
    beneficiaries: z.array(beneficiaryDoc),
    next: z.string().nullable().meta({ description: 'pass as `after` for the next page; null on the last' }),
  })
  .meta({ id: 'BeneficiaryPage' });

export const holdDoc = z
  .object({
    entitlementId: z.string(),
    beneficiaryId: z.string(),
    name: z.string(),
    month: z.string(),
    cityCode: z.string(),
    type: z.string(),
    periodMonth: z.string().nullable(),
    amountFen: fen,
    rules: z.array(z.string()).meta({ description: 'the supervision rules that held the payment' }),
    reason: z.string(),
    status: z.enum(['open', 'released', 'cancelled']),
    heldAt: instant,
    decidedAt: instant.nullable(),
    decidedBy: z.string().nullable(),
    decidedRole: z.string().nullable(),
    decisionReason: z.string().nullable(),
    paid: z.boolean(),
  })
  .meta({ id: 'Hold', description: 'A payment the supervision rules held for review.' });

export const auditEventDoc = z
  .object({
    id: z.string(),
    at: instant,
    userId: z.string(),
    role: z.string(),
    from: z.string().nullable(),
    action: z.enum(AUDIT_ACTIONS),
    entitlementId: z.string().nullable(),
    month: z.string().nullable(),
    cityCode: z.string().nullable(),
    reason: z.string(),
    detail: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'DisbursementAuditEvent', description: 'One row of the audit trail, chained by sha256 to the row before.' });

export const holdWithAuditDoc = holdDoc.extend({ audit: z.array(auditEventDoc) }).meta({ id: 'HoldWithAudit' });

export const holdDecisionDoc = z
  .object({
    hold: holdDoc,
    paid: z.boolean().meta({ description: "for a release: paid at once (the run's batches were done), else left to the next batch" }),
    paidFen: fen,
    failed: z.boolean(),
  })
  .meta({ id: 'HoldDecision' });

export const chainVerificationDoc = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    lastId: z.string().nullable(),
    lastHash: z.string(),
    broken: z.object({ id: z.string(), reason: z.string() }).nullable(),
  })
  .meta({ id: 'ChainVerification', description: 'Whether every row of the audit trail hashes to what the next row says.' });

const publication = { publishedBy: z.string(), publishedRole: z.string(), publishedAt: instant };

export const storedStandardDoc = z
  .object({ version: z.string(), effectiveMonth: z.string(), ...publication, standard: publishStandardSchema })
  .meta({ id: 'StoredStandard', description: 'A published version of the benefit standards.' });

export const storedYearlyDoc = z
  .object({
    year: z.number().int(),
    averageMonthlyWageFen: fen,
    minimumMonthlyWageFen: fen,
    nationalUrbanDisposableIncomeFen: fen,
    ...publication,
  })
  .meta({ id: 'StoredYearlyParameters', description: "A year's published wage and income figures." });

export const standardsListDoc = z
  .object({
    standards: z.array(storedStandardDoc),
    yearlyParameters: z.array(storedYearlyDoc),
    earliestNewEffectiveMonth: z
      .string()
      .nullable()
      .meta({ description: 'the first month a new version may take effect in (after the last prepared payout)' }),
  })
  .meta({ id: 'Standards' });

// Compile-time agreement between the schemas above and the types the handlers answer with.
// An answer spread from an interface and `replayed`, written out as one object type.
type Flat<T> = { [K in keyof T]: T[K] };
agree<Same<z.infer<typeof poolPositionDoc>, PoolPosition>>();
agree<Same<z.infer<typeof movementDoc>, MovementResult>>();
agree<Same<z.infer<typeof releaseDoc>, ReleaseResult>>();
agree<Same<z.infer<typeof planDraftDoc>, PlanDraft>>();
agree<Same<z.infer<typeof preparedDoc>, Flat<PreparedPayout & { replayed: boolean }>>>();
agree<Same<z.infer<typeof batchDoc>, Flat<BatchResult & { replayed: boolean }>>>();
agree<Same<z.infer<typeof repayDoc>, Flat<RepayResult & { replayed: boolean }>>>();
agree<Same<z.infer<typeof provincialPayoutDoc>, ProvincialPayout>>();
agree<Same<z.infer<typeof returnedPayeesDoc>, ReturnedPayees>>();
agree<Same<z.infer<typeof failedPayeeDoc>, FailedPayee>>();
agree<Same<z.infer<typeof cityReconciliationDoc>, DisbursementReconciliation>>();
agree<Same<z.infer<typeof poolReconciliationDoc>, PoolReconciliation>>();
// zod makes an `unknown` field optional; the register always answers `dependants`, so it is compared apart.
agree<Same<Flat<Omit<z.infer<typeof beneficiaryDoc>, 'dependants'>>, Flat<Omit<ReturnType<typeof presentBeneficiary>, 'dependants'>>>>();
agree<Same<z.infer<typeof holdDoc>, HoldView>>();
agree<Same<z.infer<typeof holdDecisionDoc>, HoldDecision>>();
agree<Same<z.infer<typeof auditEventDoc>, AuditEvent>>();
agree<Same<z.infer<typeof storedStandardDoc>, StoredStandard>>();
agree<Same<z.infer<typeof storedYearlyDoc>, StoredYearlyParameters>>();
