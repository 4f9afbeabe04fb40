import { z } from 'zod';

/** A calendar month, 'YYYY-MM'. */
export const monthString = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM')
  .meta({ description: 'calendar month, YYYY-MM', example: '2027-02' });

/** The month before `month`. */
export function previousMonth(month: string): string {
  return shiftMonth(month, -1);
}

/** Adds `delta` months to `month`. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The month a UTC instant falls in, in the province's time zone (UTC+8, no daylight saving). */
export function monthOf(instant: Date): string {
  const local = new Date(instant.getTime() + 8 * 3600_000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The year of a 'YYYY-MM' month. */
export function yearOf(month: string): number {
  return Number(month.slice(0, 4));
}
