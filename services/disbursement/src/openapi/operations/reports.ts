import { monthCityParams } from '@fund/shared';
import { ok, roles, type ApiOperation } from '@fund/shared/server';
import { limitQuery } from '../../payouts/report.routes';
import { deferredListDoc, onTimeReportDoc } from '../responses/reports.schema';
import { errors, OWN_CITY } from './common';

const REPORT_READERS = ['system', 'city_agency', 'hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator'] as const;

/** Who waited in a month, and how much was paid on time. */
export const reportOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/payouts/{month}/{cityCode}/deferred',
    operationId: 'deferredEntitlements',
    tags: ['Reports'],
    summary: "Who waited: the entitlements a cut plan left out of the month's payout",
    ...roles(REPORT_READERS, OWN_CITY),
    request: { params: monthCityParams, query: limitQuery },
    responses: { 200: ok('The deferred entitlements', deferredListDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/payouts/{month}/{cityCode}/on-time',
    operationId: 'onTimeRate',
    tags: ['Reports'],
    summary: "How much of a city's run was paid by its due date",
    ...roles(REPORT_READERS, OWN_CITY),
    request: { params: monthCityParams },
    responses: { 200: ok('The on-time rate', onTimeReportDoc), ...errors(400, 401, 403, 409) },
  },
];
