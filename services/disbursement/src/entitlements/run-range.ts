import { sql, type RawBuilder } from 'kysely';

/** Above every id (bigint's largest), to leave a run's range open at the top. */
export const MAX_ENTITLEMENT_ID = sql`9223372036854775807::bigint`;

/**
 * The entitlements `e` of a city's run with `low <= id <= high`, both bounds on the run's index
 * (city_code, payout_month, id) as a whole: bounded on id alone, the planner may walk the primary
 * key through every other city's rows (Lanzhou: 19,000 rows, 6 ms against 1.5).
 */
export function runIdRange(cityCode: string, month: string, low: RawBuilder<unknown>, high: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`e.city_code = ${cityCode} and e.payout_month = ${month}
    and (e.city_code, e.payout_month, e.id) >= (${cityCode}::text, ${month}::text, ${low})
    and (e.city_code, e.payout_month, e.id) <= (${cityCode}::text, ${month}::text, ${high})`;
}
