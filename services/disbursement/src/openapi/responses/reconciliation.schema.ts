import { type DisbursementReconciliation } from '@fund/shared';
import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { PoolReconciliation } from '../../reconciliation/reconciliation.repository';
import { fen, signedFen } from './common.schema';
import { onTimeDoc } from './payouts.schema';
import { deferredDoc } from './reports.schema';

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

agree<Same<z.infer<typeof cityReconciliationDoc>, DisbursementReconciliation>>();
agree<Same<z.infer<typeof poolReconciliationDoc>, PoolReconciliation>>();
