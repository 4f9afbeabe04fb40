import { errorResponses } from '@fund/shared/server';

/** The refusals the budget service answers with, by status. */
export const errors = errorResponses({
  404: 'NOT_FOUND: no such month, city cycle or report',
  409: "BUDGET_EXCEEDED or INSUFFICIENT_POOL: approving would break the budget execution limit or the pool's available balance; CONFLICT: the city's cycle ended without closing, so nothing can be re-paid through it, or a step was already recorded under another key; IDEMPOTENCY_CONFLICT: the key was used for a different request; MONTH_HAS_RECORDS: the month has records in the services but no cycle in this Temporal namespace; CONFLICT also when the city's cycle has ended and takes no more decisions",
  422: 'INVALID_DECISION: the workflow refused the step (wrong stage, stale version, missing reason, separation of duties...); the message names the rule',
});

/** The guard's note on a route a city agency may call for its own city. */
export const OWN_CITY = 'A city agency only for its own city.';
/** The guard's note on a step only the cycle worker records. */
export const BY_THE_CYCLE =
  'Called by the cycle worker; idempotent by idempotencyKey (the same key and request answers the first result, replayed: true).';
