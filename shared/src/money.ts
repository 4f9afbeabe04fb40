import { z } from 'zod';

/** Money is integer fen. In JSON and workflow payloads it travels as a decimal string. */
export type Fen = bigint;

/** A fen amount as it crosses an edge: a string of digits, optionally negative. */
export const fenString = z
  .string()
  .regex(/^-?\d{1,18}$/, 'must be an integer number of fen, written as a string of digits')
  .meta({ description: 'integer fen (1/100 yuan) as a decimal string; may be negative', example: '-1500' });

/** A non-negative fen amount on the wire. */
export const nonNegativeFenString = z
  .string()
  .regex(/^\d{1,18}$/, 'must be a non-negative integer number of fen, written as a string of digits')
  .meta({ description: 'integer fen (1/100 yuan) as a decimal string', example: '123456' });

/** Parses a fen string to bigint. */
export function fen(value: string | bigint | number): Fen {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`fen amount ${value} is not a safe integer`);
  }
  return BigInt(value);
}

/** Sums fen amounts given as strings or bigints. */
export function sumFen(values: Iterable<string | bigint>): Fen {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  return total;
}

/** Formats fen as yuan for people, e.g. 123456 -> "¥1,234.56". Only for the presentation edge. */
export function formatYuan(amount: Fen | string): string {
  const value = BigInt(amount);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}¥${yuan}.${cents}`;
}
