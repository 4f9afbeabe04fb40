import { apportionByPopulation, monthOf, PLAN_CATEGORIES, yearOf, type PlanCategory } from '@fund/shared';
import type { Logger } from '@fund/shared/server';
import type { Kysely } from 'kysely';
import { anyBudget, upsertBudget } from './budgets/budget.repository';
import type { BudgetDB } from './db';

// Demo sizing only: round figures per beneficiary of the demo register, not policy.
/** Average monthly long-term benefit per beneficiary, in fen (4,500 yuan). */
export const DEMO_LONG_TERM_MONTHLY_FEN = 450_000n;
/** Margin on long-term benefits for new cases and allowance adjustments during the year: 1.3x. */
export const DEMO_LONG_TERM_MARGIN = { numerator: 13n, denominator: 10n };
/** One-time benefits in a year, per beneficiary of the register, in fen (3,000 yuan). */
export const DEMO_ONE_TIME_FEN = 300_000n;
/**
 * One-time benefits a city budgets for regardless of its register size, in fen (4 million yuan):
 * a single work-injury death alone costs over a million yuan in one-time subsidies.
 */
export const DEMO_ONE_TIME_PER_CITY_FEN = 400_000_000n;
/** Medical settlements a city budgets for regardless of its register size, in fen (2 million yuan). */
export const DEMO_MEDICAL_PER_CITY_FEN = 200_000_000n;
/** Monthly medical settlements per beneficiary, in fen (600 yuan). */
export const DEMO_MEDICAL_MONTHLY_FEN = 60_000n;
/** Other monthly spending per beneficiary, in fen (100 yuan). */
export const DEMO_OTHER_MONTHLY_FEN = 10_000n;

/** The demo annual budget of a city with `beneficiaries` on its register, per category. */
export function demoBudget(beneficiaries: number): Record<PlanCategory, bigint> {
  const n = BigInt(beneficiaries);
  return {
    long_term: (n * DEMO_LONG_TERM_MONTHLY_FEN * 12n * DEMO_LONG_TERM_MARGIN.numerator) / DEMO_LONG_TERM_MARGIN.denominator,
    one_time: DEMO_ONE_TIME_PER_CITY_FEN + n * DEMO_ONE_TIME_FEN,
    medical: DEMO_MEDICAL_PER_CITY_FEN + n * DEMO_MEDICAL_MONTHLY_FEN * 12n,
    other: n * DEMO_OTHER_MONTHLY_FEN * 12n,
  };
}

/**
 * Annual budgets of last year, this year and the next for all 14 cities, sized from the demo
 * register the disbursement service seeds (`beneficiaries` apportioned by population), so months
 * on either side of a new year have one. Runs only while no budget exists.
 */
export async function seedBudgets(db: Kysely<BudgetDB>, logger: Logger, beneficiaries: number, now = new Date()): Promise<void> {
  if (await anyBudget(db)) return;
  const year = yearOf(monthOf(now));
  const years = [year - 1, year, year + 1];
  await db.transaction().execute(async (trx) => {
    for (const [cityCode, count] of apportionByPopulation(beneficiaries)) {
      const budget = demoBudget(count);
      for (const y of years) {
        await upsertBudget(trx, y, cityCode, new Map(PLAN_CATEGORIES.map((c) => [c, budget[c]])));
      }
    }
  });
  logger.info({ years, beneficiaries }, 'seeded demo annual budgets');
}
