import { apportionByPopulation, monthOf, previousMonth, pickWeighted, randomInt, seededRandom } from '@fund/shared';
import type { Logger } from '@fund/shared/server';
import type { Kysely } from 'kysely';
import type { CollectionDB } from './db';
import { recordContribution } from './contributions/contribution.repository';
import { BENCHMARK_RATE_BP } from './employers/employer.table';
import { monthlyContributionFen } from './employers/employer.repository';

const DEMO_EMPLOYERS = 1_400;
const INDUSTRY_WEIGHTS = [30, 25, 15, 10, 8, 6, 4, 2]; // mostly low-risk classes, some mining and construction

/**
 * Synthetic employers for the demo province and the tax bureau's reports of their last two
 * months of contributions. Runs only on an empty schema.
 */
export async function seedCollection(db: Kysely<CollectionDB>, logger: Logger, now = new Date()): Promise<void> {
  const existing = await db.selectFrom('employers').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  const random = seededRandom(20240101);
  const perCity = apportionByPopulation(DEMO_EMPLOYERS);
  const lastMonth = previousMonth(monthOf(now));
  const months = [previousMonth(lastMonth), lastMonth];
  let count = 0;
  for (const [cityCode, employers] of perCity) {
    const rows = Array.from({ length: employers }, (_, i) => {
      const industryClass = pickWeighted(random, INDUSTRY_WEIGHTS) + 1;
      const staff = randomInt(random, 10, 400);
      return {
        city_code: cityCode,
        name: `Demo employer ${cityCode}-${String(i + 1).padStart(4, '0')}`,
        industry_class: industryClass,
        rate_bp: BENCHMARK_RATE_BP[industryClass] ?? 20,
        monthly_payroll_fen: BigInt(staff) * BigInt(randomInt(random, 450_000, 900_000)),
      };
    });
    const inserted = await db.insertInto('employers').values(rows).returning(['id', 'monthly_payroll_fen', 'rate_bp']).execute();
    for (const employer of inserted) {
      for (const month of months) {
        const amount = monthlyContributionFen(employer);
        if (amount <= 0n) continue;
        await recordContribution(db, {
          employerId: employer.id,
          month,
          amountFen: amount.toString(),
          reference: `TAX-${month}-${employer.id}`,
        });
      }
    }
    count += inserted.length;
  }
  logger.info({ employers: count, months }, 'seeded demo employers and contributions');
}
