import { allocationRequestSchema, receiptRequestSchema, releaseRequestSchema, reservationRequestSchema } from '@fund/shared';
import { json, ok, roles, type ApiOperation } from '@fund/shared/server';
import { movementDoc, poolPositionDoc, releaseDoc } from '../responses/pool.schema';
import { BY_THE_CYCLE, errors, moved } from './common';

/** The provincial special account: receipts, reservations, allocations. */
export const poolOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/pool/receipts',
    operationId: 'receiveTransfer',
    tags: ['Pool'],
    summary: "The special account receives a city's transfer",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(receiptRequestSchema) } },
    responses: { ...moved('Received', movementDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/pool',
    operationId: 'poolPosition',
    tags: ['Pool'],
    summary: "The special account's balance, reserved and available",
    ...roles(['system', 'finance_reviewer', 'provincial_agency', 'operator']),
    responses: { 200: ok('The pool', poolPositionDoc), ...errors(401, 403) },
  },
  {
    method: 'post',
    path: '/pool/reservations',
    operationId: 'reservePool',
    tags: ['Pool'],
    summary: "Earmark pool money for a city's approved plan until it is allocated",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(reservationRequestSchema) } },
    responses: { ...moved('Reserved', movementDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/pool/reservations/release',
    operationId: 'releaseReservation',
    tags: ['Pool'],
    summary: "Release a city's reservation (compensation, or a plan sent back after approval)",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(releaseRequestSchema) } },
    responses: { 200: ok('Released, or nothing to release', releaseDoc), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'post',
    path: '/allocations',
    operationId: 'allocate',
    tags: ['Pool'],
    summary: "Move the approved amount from the special account to the city's expenditure account",
    ...roles(['system'], BY_THE_CYCLE),
    request: { body: { required: true, content: json(allocationRequestSchema) } },
    responses: { ...moved('Allocated', movementDoc), ...errors(400, 401, 403, 409) },
  },
];
