import { apportionByPopulation, CITY_CODES, monthOf, pickWeighted, randomInt, seededRandom } from '@fund/shared';
import type { Logger } from '@fund/shared/server';
import type { Kysely } from 'kysely';
import type { CollectionDB } from './db';
import { DEMO_EMPLOYER_PREFIX, feedDemoProvince } from './demo/tax-bureau';
import { NEW_EMPLOYER_GRADE_PCT } from './rates/rate.repository';

const DEMO_EMPLOYERS = 1_400;
const INDUSTRY_WEIGHTS = [30, 25, 15, 10, 8, 6, 4, 2]; // mostly low-risk classes, some mining and construction

/**
 * Synthetic employers for the demo province, each at its class's benchmark, and the demo tax
 * bureau's declarations and receipts of the two months before this one. Runs only on an empty
 * schema; later months come from the same feed before each transfer (demo/tax-bureau.ts).
 */
export async function seedCollection(db: Kysely<CollectionDB>, logger: Logger, now = new Date()): Promise<void> {
  const existing = await db.selectFrom('employers').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  const random = seededRandom(20240101);
  const perCity = apportionByPopulation(DEMO_EMPLOYERS);
  const month = monthOf(now);
  let count = 0;
  for (const [cityCode, employers] of perCity) {
    const rows = Array.from({ length: employers }, (_, i) => {
      const industryClass = pickWeighted(random, INDUSTRY_WEIGHTS) + 1;
      const staff = randomInt(random, 20, 780);
      return {
        city_code: cityCode,
        name: `${DEMO_EMPLOYER_PREFIX}${cityCode}-${String(i + 1).padStart(4, '0')}`,
        industry_class: industryClass,
        monthly_payroll_fen: BigInt(staff) * BigInt(randomInt(random, 450_000, 900_000)),
      };
    });
    const inserted = await db.insertInto('employers').values(rows).returning('id').execute();
    await db
      .insertInto('employer_grades')
      .values(
        inserted.map((e) => ({
          employer_id: e.id,
          effective_from: `${month}-01`,
          grade_pct: NEW_EMPLOYER_GRADE_PCT,
          reason: 'new employer: the benchmark',
          decided_by: 'demo seed',
        })),
      )
      .execute();
    count += inserted.length;
  }
  const fed = await feedDemoProvince(db, CITY_CODES, month);
  logger.info({ employers: count, ...fed }, "seeded demo employers and the tax bureau's last two months");
}
