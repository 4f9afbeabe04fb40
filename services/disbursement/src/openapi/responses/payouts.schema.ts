import {
  planLineSchema,
  type BatchResult,
  type FailedPayee,
  type PlanDraft,
  type PreparedPayout,
  type ProvincialPayout,
  type RepayResult,
  type ReturnedPayees,
} from '@fund/shared';
import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { fen, instant, replayed, type Flat } from './common.schema';

export const planDraftDoc = z
  .object({ month: z.string(), cityCode: z.string(), lines: z.array(planLineSchema) })
  .meta({ id: 'PlanDraft', description: 'A plan computed from the register and approved one-time claims, for the city agency to submit.' });

export const onTimeDoc = z
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

agree<Same<z.infer<typeof planDraftDoc>, PlanDraft>>();
agree<Same<z.infer<typeof preparedDoc>, Flat<PreparedPayout & { replayed: boolean }>>>();
agree<Same<z.infer<typeof batchDoc>, Flat<BatchResult & { replayed: boolean }>>>();
agree<Same<z.infer<typeof repayDoc>, Flat<RepayResult & { replayed: boolean }>>>();
agree<Same<z.infer<typeof provincialPayoutDoc>, ProvincialPayout>>();
agree<Same<z.infer<typeof returnedPayeesDoc>, ReturnedPayees>>();
agree<Same<z.infer<typeof failedPayeeDoc>, FailedPayee>>();
