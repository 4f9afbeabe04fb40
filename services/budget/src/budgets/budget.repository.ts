import { ErrorCode, PLAN_CATEGORIES, type BudgetPosition, type PlanCategory, type SetBudgetRequest } from '@fund/shared';
import { conflict } from '@fund/shared/server';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { BudgetDB, Db } from '../db';

/** Budget and live commitments per category of one city's year, in fen. */
export type BudgetAmounts = Record<PlanCategory, { budget: bigint; committed: bigint }>;

function emptyAmounts(): BudgetAmounts {
  return Object.fromEntries(PLAN_CATEGORIES.map((c) => [c, { budget: 0n, committed: 0n }])) as BudgetAmounts;
}

/**
 * Reads a city's annual budget. With `lock`, the budget rows are taken FOR UPDATE in a fixed
 * order: every commitment and budget change of that city and year then runs one at a time.
 */
export async function budgetOf(db: Db, year: number, cityCode: string, lock = false): Promise<Map<string, bigint>> {
  let query = db
    .selectFrom('budgets')
    .select(['category', 'amount_fen'])
    .where('year', '=', year)
    .where('city_code', '=', cityCode)
    .orderBy('category');
  if (lock) query = query.forUpdate();
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.category, BigInt(r.amount_fen)]));
}

/** Sums the live (unreleased) commitments of a city's year per category. */
export async function committedOf(db: Db, year: number, cityCode: string): Promise<Map<string, bigint>> {
  const rows = await db
    .selectFrom('commitment_lines as l')
    .innerJoin('commitments as c', 'c.id', 'l.commitment_id')
    .select(['l.category', sql<string>`sum(l.amount_fen)::text`.as('total')])
    .where('c.year', '=', year)
    .where('c.city_code', '=', cityCode)
    .where('c.released_at', 'is', null)
    .groupBy('l.category')
    .execute();
  return new Map(rows.map((r) => [r.category, BigInt(r.total)]));
}

/** Budget and commitments side by side; callers that lock pass `lock` so the read is the one they act on. */
export async function amountsOf(db: Db, year: number, cityCode: string, lock = false): Promise<BudgetAmounts> {
  const budget = await budgetOf(db, year, cityCode, lock);
  const committed = await committedOf(db, year, cityCode);
  const amounts = emptyAmounts();
  for (const category of PLAN_CATEGORIES) {
    amounts[category] = { budget: budget.get(category) ?? 0n, committed: committed.get(category) ?? 0n };
  }
  return amounts;
}

/** The wire form: every category in a fixed order, and the totals. */
export function presentPosition(year: number, cityCode: string, amounts: BudgetAmounts): BudgetPosition {
  const lines = PLAN_CATEGORIES.map((category) => {
    const { budget, committed } = amounts[category];
    return {
      category,
      budgetFen: budget.toString(),
      committedFen: committed.toString(),
      remainingFen: (budget - committed).toString(),
    };
  });
  const budget = PLAN_CATEGORIES.reduce((s, c) => s + amounts[c].budget, 0n);
  const committed = PLAN_CATEGORIES.reduce((s, c) => s + amounts[c].committed, 0n);
  return {
    year,
    cityCode,
    lines,
    budgetFen: budget.toString(),
    committedFen: committed.toString(),
    remainingFen: (budget - committed).toString(),
  };
}

/** A city's budget position for a year; a budget never set reads as zero, so nothing can be committed against it. */
export async function budgetPosition(db: Db, year: number, cityCode: string): Promise<BudgetPosition> {
  return presentPosition(year, cityCode, await amountsOf(db, year, cityCode));
}

/**
 * Replaces a city's annual budget: listed categories take the given amounts, unlisted ones
 * become zero. A category may not drop below what is already committed against it.
 */
export async function setBudget(db: Kysely<BudgetDB>, year: number, cityCode: string, input: SetBudgetRequest): Promise<BudgetPosition> {
  return db.transaction().execute(async (trx) => {
    await budgetOf(trx, year, cityCode, true);
    const committed = await committedOf(trx, year, cityCode);
    const wanted = new Map(input.lines.map((l) => [l.category, BigInt(l.amountFen)]));
    for (const category of PLAN_CATEGORIES) {
      const amount = wanted.get(category) ?? 0n;
      const already = committed.get(category) ?? 0n;
      if (amount < already) {
        throw conflict(
          ErrorCode.Conflict,
          `the ${year} ${category} budget of ${cityCode} cannot be ${amount} fen: ${already} fen is already committed against it`,
          { category, budgetFen: amount.toString(), committedFen: already.toString() },
        );
      }
    }
    await upsertBudget(trx, year, cityCode, wanted);
    return budgetPosition(trx, year, cityCode);
  });
}

/** Writes all four category rows of a city's year (zero where not given). */
export async function upsertBudget(
  trx: Transaction<BudgetDB>,
  year: number,
  cityCode: string,
  amounts: Map<string, bigint>,
): Promise<void> {
  await trx
    .insertInto('budgets')
    .values(
      PLAN_CATEGORIES.map((category) => ({
        year,
        city_code: cityCode,
        category,
        amount_fen: (amounts.get(category) ?? 0n).toString(),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['year', 'city_code', 'category']).doUpdateSet((eb) => ({
        amount_fen: eb.ref('excluded.amount_fen'),
        updated_at: new Date(),
      })),
    )
    .execute();
}

/** True once any budget has been stored (the demo seed runs only before that). */
export async function anyBudget(db: Db): Promise<boolean> {
  return (await db.selectFrom('budgets').select('year').limit(1).executeTakeFirst()) !== undefined;
}
