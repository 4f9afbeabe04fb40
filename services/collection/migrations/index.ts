import type { Migration } from 'kysely';
import * as initial from './2026-11-23T00-00-00_initial';
import * as ratesAndDues from './2026-12-02T00-00-00_rates_and_dues';

/** The collection schema's migrations, in order. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00-00_initial': initial,
  '2026-12-02T00-00-00_rates_and_dues': ratesAndDues,
};
