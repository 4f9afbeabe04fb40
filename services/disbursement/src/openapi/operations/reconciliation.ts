import { monthCityParams } from '@fund/shared';
import { ok, roles, type ApiOperation } from '@fund/shared/server';
import { monthParams as reconciliationMonthParams } from '../../reconciliation/reconciliation.routes';
import { cityReconciliationDoc, poolReconciliationDoc } from '../responses/reconciliation.schema';
import { errors } from './common';

const RECONCILERS = ['system', 'provincial_agency', 'operator'] as const;

/** Month-close figures per city and for the whole pool. */
export const reconciliationOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/reconciliation/{month}/{cityCode}',
    operationId: 'cityReconciliation',
    tags: ['Reconciliation'],
    summary: "The disbursement side of a city's month close",
    ...roles(RECONCILERS),
    request: { params: monthCityParams },
    responses: { 200: ok('Received, allocated, paid, returned and unspent', cityReconciliationDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/reconciliation/{month}',
    operationId: 'poolReconciliation',
    tags: ['Reconciliation'],
    summary: 'The province-wide figures of a month, from the ledger',
    ...roles(RECONCILERS),
    request: { params: reconciliationMonthParams },
    responses: { 200: ok("The pool's month", poolReconciliationDoc), ...errors(400, 401, 403) },
  },
];
