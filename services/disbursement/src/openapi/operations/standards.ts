import { HUMAN_ROLES } from '@fund/shared';
import { json, ok, roles, type ApiOperation } from '@fund/shared/server';
import { publishStandardSchema, publishYearlyParametersSchema } from '../../standards/standards.schema';
import { standardsListDoc, storedStandardDoc, storedYearlyDoc } from '../responses/standards.schema';
import { errors } from './common';

const PUBLISHERS = ['provincial_agency', 'operator'] as const;

/** Versioned benefit standards and yearly figures. */
export const standardOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/standards',
    operationId: 'listStandards',
    tags: ['Standards'],
    summary: 'Every published version of the benefit standards and the yearly figures',
    ...roles(['system', ...HUMAN_ROLES]),
    responses: { 200: ok('Standards and yearly parameters, oldest first', standardsListDoc), ...errors(401, 403) },
  },
  {
    method: 'post',
    path: '/standards',
    operationId: 'publishStandard',
    tags: ['Standards'],
    summary: 'Publish a new version of the benefit standards, in force from its effective month',
    ...roles(PUBLISHERS, 'The effective month must come after every prepared payout.'),
    request: { body: { required: true, content: json(publishStandardSchema) } },
    responses: { 201: ok('Published', storedStandardDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/yearly-parameters',
    operationId: 'publishYearlyParameters',
    tags: ['Standards'],
    summary: 'Publish the wage and income figures of a year not loaded yet',
    ...roles(PUBLISHERS),
    request: {
      body: {
        required: true,
        content: json(publishYearlyParametersSchema, {
          year: 2027,
          averageMonthlyWageFen: '812300',
          minimumMonthlyWageFen: '202000',
          nationalUrbanDisposableIncomeFen: '5421600',
        }),
      },
    },
    responses: { 201: ok('Published', storedYearlyDoc), ...errors(400, 401, 403, 409) },
  },
];
