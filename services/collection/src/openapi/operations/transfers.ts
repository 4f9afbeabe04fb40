import { transferRequestSchema, type CollectionReconciliation, type TransferResult } from '@fund/shared';
import { agree, json, ok, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { reverseTransfer } from '../../transfers/transfer.repository';
import { monthCity } from '../../transfers/transfer.routes';
import { BY_THE_CYCLE, errors, fen } from './common';

const transferResultDoc = z
  .object({
    transferId: z.string(),
    month: z.string(),
    cityCode: z.string(),
    amountFen: fen,
    contributionCount: z.number().int(),
    replayed: z.boolean(),
  })
  .meta({
    id: 'TransferResult',
    description: 'What the transfer up to the provincial account moved: every collection of months before the given one.',
  });

const reversalDoc = z
  .object({ reversedFen: fen, replayed: z.boolean() })
  .meta({ id: 'TransferReversal', description: 'A transfer the province refused for good, booked back into the income account.' });

const reconciliationDoc = z
  .object({
    month: z.string(),
    cityCode: z.string(),
    collectedFen: fen.meta({ description: "contributions swept by this month's transfer" }),
    transferredFen: fen,
    leftBehindFen: fen.meta({ description: 'contributions of earlier months still in the income account (must be 0)' }),
    incomeBalanceFen: fen,
    ledgerBalanced: z.boolean(),
  })
  .meta({ id: 'CollectionReconciliation', description: "The collection side of a city's month close." });

/** The transfer up to the province the cycle moves, its compensation, and the collection side of reconciliation. */
export const transferOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/transfers',
    operationId: 'transferToProvince',
    tags: ['Transfers'],
    summary: "Move all of a city's collections of earlier months up to the provincial special account",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(transferRequestSchema) } },
    responses: { 201: ok('Transferred', transferResultDoc), 200: ok('Replayed', transferResultDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/transfers/reversals',
    operationId: 'reverseTransfer',
    tags: ['Transfers'],
    summary: 'Book back a transfer the province refused for good (compensation)',
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(transferRequestSchema) } },
    responses: { 200: ok('Reversed, or nothing to reverse', reversalDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/reconciliation/{month}/{cityCode}',
    operationId: 'collectionReconciliation',
    tags: ['Transfers'],
    summary: "The collection side of a city's month close",
    ...roles(['system', 'provincial_agency', 'operator']),
    request: { params: monthCity },
    responses: { 200: ok('Collected, transferred and left behind', reconciliationDoc), ...errors(400, 401, 403, 404) },
  },
];

agree<Same<z.infer<typeof transferResultDoc>, TransferResult>>();
agree<Same<z.infer<typeof reversalDoc>, Awaited<ReturnType<typeof reverseTransfer>>>>();
agree<Same<z.infer<typeof reconciliationDoc>, CollectionReconciliation>>();
