import { monthString, storeReportSchema } from '@fund/shared';
import { json, ok, roles, type ApiOperation } from '@fund/shared/server';
import { z } from 'zod';
import { storedReportDoc } from '../responses/reports.schema';
import { errors } from './common';

/** The stored reconciliation report of a closed month. */
export const reportReadOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/reports/{month}',
    operationId: 'monthReport',
    tags: ['Reports'],
    summary: 'The stored reconciliation report of a closed month',
    ...roles(['hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator']),
    request: { params: z.object({ month: monthString }) },
    responses: { 200: ok('The latest stored version', storedReportDoc), ...errors(400, 401, 403, 404) },
  },
];

/** The cycle worker stores a month's report when it closes. */
export const reportStepOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/reports',
    operationId: 'storeReport',
    tags: ['Reports'],
    summary: "Store a month's reconciliation report as a new version",
    ...roles(['system'], 'Called by the cycle worker when the month closes; the same report again answers the stored version (200).'),
    request: { body: { required: true, content: json(storeReportSchema) } },
    responses: {
      201: ok('Stored', storedReportDoc),
      200: ok('The same report was stored before', storedReportDoc),
      ...errors(400, 401, 403),
    },
  },
];
