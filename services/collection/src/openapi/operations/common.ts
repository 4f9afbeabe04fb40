import { errorResponses } from '@fund/shared/server';
import { z } from 'zod';

/** Integer fen as a decimal string. */
export const fen = z.string().meta({ description: 'integer fen (1/100 yuan) as a decimal string', example: '123456' });

/** The path parameter of the routes under /employers/{id}. */
export const employerParams = z.object({ id: z.string().meta({ description: 'employer id; anything but digits is 404', example: '42' }) });

/** The refusals most routes of the collection service answer with, by status. */
export const errors = errorResponses({
  404: 'NOT_FOUND: no such employer, or no transfer of that city and month',
  409: 'CONFLICT: the city already transferred for the month under another key; IDEMPOTENCY_CONFLICT: the key was used for a different request',
  422: 'VALIDATION_FAILED: the employer named is not registered',
});

/** The refusals of the routes that read or set one employer's dues and grades. */
export const employerErrors = errorResponses({
  404: 'NOT_FOUND: no such employer',
  409: 'CONFLICT: the employer already has a grade from that day',
  422: 'VALIDATION_FAILED: the day is not in the future, or the grade is not one the class may float to in the version in force that day',
});

/** Who may read dues: the cycle worker and the agencies. */
export const DUES_READERS = ['system', 'city_agency', 'provincial_agency', 'operator'] as const;
/** The guard's note on a route a city agency may call for its own city. */
export const OWN_CITY = 'A city agency only for its own city.';
/** The guard's note on a step only the cycle worker calls. */
export const BY_THE_CYCLE =
  'Called by the cycle worker; idempotent by idempotencyKey (the same key and request answers the first result, replayed: true).';
