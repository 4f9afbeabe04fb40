import { z } from 'zod';

// The answers of the disbursement service are TypeScript types; the zod schemas in this folder describe them for
// the OpenAPI document only. The `agree` checks beside each schema make tsc fail when one of them changes
// and its schema does not.

/** Non-negative integer fen as a decimal string. */
export const fen = z.string().meta({ description: 'integer fen (1/100 yuan) as a decimal string', example: '123456' });
/** Signed integer fen as a decimal string. */
export const signedFen = z.string().meta({ description: 'integer fen as a decimal string; may be negative', example: '-1500' });
/** An ISO-8601 instant. */
export const instant = z.string().meta({ description: 'ISO-8601 instant (UTC)', example: '2027-02-03T04:05:06.000Z' });
/** The `replayed` flag of an idempotent step's answer. */
export const replayed = z
  .boolean()
  .meta({ description: 'true when the idempotency key was seen before: the first answer, nothing done again' });

/** An answer spread from an interface and `replayed`, written out as one object type. */
export type Flat<T> = { [K in keyof T]: T[K] };
