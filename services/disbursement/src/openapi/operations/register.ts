import { correctBankAccountSchema } from '@fund/shared';
import { json, ok, roles, type ApiOperation } from '@fund/shared/server';
import { idParam, listQuery as beneficiaryListQuery } from '../../register/beneficiary.routes';
import { beneficiaryDoc, beneficiaryPageDoc } from '../responses/register.schema';
import { errors, OWN_CITY, REGISTER_READERS } from './common';

/** The beneficiary register and bank detail corrections. */
export const registerOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/beneficiaries',
    operationId: 'listBeneficiaries',
    tags: ['Register'],
    summary: 'The beneficiary register, a page at a time, ID numbers and accounts masked',
    ...roles(REGISTER_READERS, 'A city agency only for its own city (the cityCode query parameter).'),
    request: { query: beneficiaryListQuery },
    responses: { 200: ok('One page', beneficiaryPageDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/beneficiaries/{id}',
    operationId: 'getBeneficiary',
    tags: ['Register'],
    summary: 'One beneficiary, ID number and account masked',
    ...roles(REGISTER_READERS, OWN_CITY),
    request: { params: idParam },
    responses: { 200: ok('The beneficiary', beneficiaryDoc), ...errors(401, 403, 404) },
  },
  {
    method: 'put',
    path: '/beneficiaries/{id}/bank-account',
    operationId: 'correctBankAccount',
    tags: ['Register'],
    summary: "Correct a beneficiary's bank details; the bank verifies the account before the next payment",
    ...roles(REGISTER_READERS, OWN_CITY),
    request: {
      params: idParam,
      body: {
        required: true,
        content: json(correctBankAccountSchema, { bankAccount: '6222020200112233445', bankName: 'ICBC Lanzhou Chengguan' }),
      },
    },
    responses: { 200: ok('The beneficiary with the new details', beneficiaryDoc), ...errors(400, 401, 403, 404, 422) },
  },
];
