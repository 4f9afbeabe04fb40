import { fenString, nonNegativeFenString } from '@fund/shared';
import { z } from 'zod';

// The answers of the budget service are TypeScript interfaces in @fund/shared; the zod schemas in this folder
// describe them for the OpenAPI document only. The `agree` checks beside each schema make tsc fail
// when a shared interface changes and its schema does not.

/** An ISO-8601 instant. */
export const instant = z.string().meta({ description: 'ISO-8601 instant (UTC)', example: '2027-02-03T04:05:06.000Z' });
/** Non-negative integer fen as a decimal string. */
export const fen = nonNegativeFenString.meta({ description: 'integer fen (1/100 yuan) as a decimal string', example: '123456' });
/** Signed integer fen as a decimal string. */
export const signedFen = fenString.meta({ description: 'integer fen as a decimal string; may be negative', example: '-1500' });

/** An intersection of interfaces, written out as one object type. */
export type Flat<T> = { [K in keyof T]: T[K] };
