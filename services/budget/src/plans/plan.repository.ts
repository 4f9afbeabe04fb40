import {
  CITY_CODES,
  ErrorCode,
  shiftMonth,
  sumFen,
  type PlanHistoryMonth,
  type PlanStatus,
  type PlanSummary,
  type RecordPlanRequest,
  type StoredPlan,
} from '@fund/shared';
import { conflict, once } from '@fund/shared/server';
import type { Kysely } from 'kysely';
import { isUniqueViolation, type BudgetDB, type Db } from '../db';
import { approvedTotal, inCategoryOrder, planStatus, toPlanLine, type RecordedDecision } from './plan.status';
import type { Plan } from './plan.table';

/**
 * Stores a submitted plan version. Versions of a city's month run 1, 2, 3...: each must follow
 * the latest. A repeat with the same key answers with the stored version.
 */
export async function recordPlan(db: Kysely<BudgetDB>, input: RecordPlanRequest): Promise<StoredPlan & { replayed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `plan:${input.idempotencyKey}`, input, async () => {
      const latest = await latestVersion(trx, input.month, input.cityCode);
      if (input.version <= latest) {
        throw conflict(
          ErrorCode.Conflict,
          `plan version ${input.version} of ${input.cityCode} for ${input.month} is already recorded under another key`,
        );
      }
      if (input.version !== latest + 1) {
        throw conflict(
          ErrorCode.Conflict,
          `body.version: plan version ${input.version} of ${input.cityCode} for ${input.month} does not follow the latest version ${latest}`,
        );
      }
      const plan = await trx
        .insertInto('plans')
        .values({
          month: input.month,
          city_code: input.cityCode,
          version: input.version,
          total_fen: sumFen(input.lines.map((l) => l.amountFen)),
          submitted_by: input.actor.userId,
          submitted_role: input.actor.role,
          idempotency_key: input.idempotencyKey,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) {
            throw conflict(
              ErrorCode.Conflict,
              `plan version ${input.version} of ${input.cityCode} for ${input.month} was recorded concurrently`,
            );
          }
          throw error;
        });
      await trx
        .insertInto('plan_lines')
        .values(input.lines.map((l) => ({ plan_id: plan.id, category: l.category, count: l.count, amount_fen: l.amountFen })))
        .execute();
      const [stored] = await storedPlans(trx, [plan]);
      return stored!;
    });
    return { ...response, replayed };
  });
}

/** The highest recorded version of a city's plan for a month, 0 when none. */
export async function latestVersion(db: Db, month: string, cityCode: string): Promise<number> {
  const row = await db
    .selectFrom('plans')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .executeTakeFirst();
  return row?.version ?? 0;
}

/** One plan version; `lock` holds it so concurrent reviews of it run one at a time. */
export async function findPlan(db: Db, month: string, cityCode: string, version: number, lock = false): Promise<Plan | undefined> {
  let query = db
    .selectFrom('plans')
    .selectAll()
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .where('version', '=', version);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The recorded decisions on each plan, oldest first, with the lines each approval let through. */
export async function decisionsOf(db: Db, planIds: readonly string[]): Promise<Map<string, RecordedDecision[]>> {
  const byPlan = new Map<string, RecordedDecision[]>(planIds.map((id) => [id, []]));
  if (planIds.length === 0) return byPlan;
  const reviews = await db.selectFrom('reviews').selectAll().where('plan_id', 'in', planIds).orderBy('id').execute();
  const lines =
    reviews.length === 0
      ? []
      : await db
          .selectFrom('review_lines')
          .selectAll()
          .where(
            'review_id',
            'in',
            reviews.map((r) => r.id),
          )
          .execute();
  for (const review of reviews) {
    const own = lines.filter((l) => l.review_id === review.id);
    byPlan.get(review.plan_id)?.push({
      step: review.step,
      decision: review.decision,
      reason: review.reason,
      userId: review.user_id,
      role: review.role,
      approvedLines: review.decision === 'return' ? null : inCategoryOrder(own).map(toPlanLine),
      at: review.created_at.toISOString(),
    });
  }
  return byPlan;
}

/** Plans in their wire form, lines and decisions included. */
export async function storedPlans(db: Db, plans: readonly Plan[]): Promise<StoredPlan[]> {
  if (plans.length === 0) return [];
  const ids = plans.map((p) => p.id);
  const lines = await db.selectFrom('plan_lines').selectAll().where('plan_id', 'in', ids).execute();
  const decisions = await decisionsOf(db, ids);
  return plans.map((plan) => ({
    month: plan.month,
    cityCode: plan.city_code,
    version: plan.version,
    lines: inCategoryOrder(lines.filter((l) => l.plan_id === plan.id)).map(toPlanLine),
    submittedBy: plan.submitted_by,
    submittedAt: plan.created_at.toISOString(),
    reviews: decisions.get(plan.id) ?? [],
  }));
}

/** Every version of a city's plan for a month, oldest first. */
export async function plansOf(db: Db, month: string, cityCode: string): Promise<StoredPlan[]> {
  const plans = await db
    .selectFrom('plans')
    .selectAll()
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .orderBy('version')
    .execute();
  return storedPlans(db, plans);
}

/** The latest version of each (month, city) plan, newest month first. */
async function latestPlans(db: Db, filter: { month?: string; months?: string[]; cityCode?: string }, limit: number): Promise<Plan[]> {
  let query = db
    .selectFrom('plans')
    .selectAll()
    .distinctOn(['month', 'city_code'])
    .orderBy('month', 'desc')
    .orderBy('city_code')
    .orderBy('version', 'desc')
    .limit(limit);
  if (filter.month) query = query.where('month', '=', filter.month);
  if (filter.months) query = query.where('month', 'in', filter.months);
  if (filter.cityCode) query = query.where('city_code', '=', filter.cityCode);
  return query.execute();
}

/**
 * The reviewers' list: each city's latest version and status. With a month, cities that have not
 * submitted yet are listed as 'awaiting'.
 */
export async function listPlans(db: Db, filter: { month?: string; status?: PlanStatus }, limit: number): Promise<PlanSummary[]> {
  const plans = await latestPlans(db, { month: filter.month }, limit);
  const decisions = await decisionsOf(
    db,
    plans.map((p) => p.id),
  );
  const summaries: PlanSummary[] = plans.map((plan) => {
    const reviews = decisions.get(plan.id) ?? [];
    return {
      month: plan.month,
      cityCode: plan.city_code,
      latestVersion: plan.version,
      status: planStatus(reviews),
      totalFen: plan.total_fen,
      approvedFen: approvedTotal(reviews),
      submittedAt: plan.created_at.toISOString(),
    };
  });
  if (filter.month) {
    const month = filter.month;
    const submitted = new Set(plans.map((p) => p.city_code));
    for (const cityCode of CITY_CODES.filter((c) => !submitted.has(c))) {
      summaries.push({ month, cityCode, latestVersion: null, status: 'awaiting', totalFen: '0', approvedFen: null, submittedAt: null });
    }
    summaries.sort((a, b) => (a.cityCode < b.cityCode ? -1 : 1));
  }
  return (filter.status ? summaries.filter((s) => s.status === filter.status) : summaries).slice(0, limit);
}

/** A city's planned and approved totals over the `count` months up to and including `until`, oldest first. */
export async function planHistory(db: Db, cityCode: string, until: string, count: number): Promise<PlanHistoryMonth[]> {
  const months = Array.from({ length: count }, (_, i) => shiftMonth(until, i - count + 1));
  const plans = await latestPlans(db, { months, cityCode }, count);
  const decisions = await decisionsOf(
    db,
    plans.map((p) => p.id),
  );
  return months.map((month) => {
    const plan = plans.find((p) => p.month === month);
    if (!plan) return { month, latestVersion: null, status: 'awaiting', plannedFen: null, approvedFen: null };
    const reviews = decisions.get(plan.id) ?? [];
    return {
      month,
      latestVersion: plan.version,
      status: planStatus(reviews),
      plannedFen: plan.total_fen,
      approvedFen: approvedTotal(reviews),
    };
  });
}
