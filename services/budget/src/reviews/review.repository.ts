import type { RecordedReview, RecordReviewRequest } from '@fund/shared';
import { notFound, once } from '@fund/shared/server';
import type { Kysely } from 'kysely';
import type { BudgetDB } from '../db';
import { decisionsOf, findPlan, latestVersion } from '../plans/plan.repository';
import { inCategoryOrder, toPlanLine } from '../plans/plan.status';
import { checkDecision } from './review.rules';

/**
 * Records a review decision on a plan version after checking it against the version's record.
 * The version's row is locked so two reviewers cannot both decide the same step.
 */
export async function recordReview(db: Kysely<BudgetDB>, input: RecordReviewRequest): Promise<RecordedReview> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `review:${input.idempotencyKey}`, input, async () => {
      const plan = await findPlan(trx, input.month, input.cityCode, input.version, true);
      if (!plan) throw notFound(`plan version ${input.version} of ${input.cityCode} for ${input.month}`);
      const lines = await trx.selectFrom('plan_lines').selectAll().where('plan_id', '=', plan.id).execute();
      const approved = checkDecision(input, {
        version: plan.version,
        latestVersion: await latestVersion(trx, input.month, input.cityCode),
        submittedBy: plan.submitted_by,
        lines: inCategoryOrder(lines).map(toPlanLine),
        decisions: (await decisionsOf(trx, [plan.id])).get(plan.id) ?? [],
      });
      const review = await trx
        .insertInto('reviews')
        .values({
          plan_id: plan.id,
          step: input.step,
          decision: input.decision,
          reason: input.reason,
          user_id: input.actor.userId,
          role: input.actor.role,
          idempotency_key: input.idempotencyKey,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (approved && approved.length > 0) {
        await trx
          .insertInto('review_lines')
          .values(approved.map((l) => ({ review_id: review.id, category: l.category, count: l.count, amount_fen: l.amountFen })))
          .execute();
      }
      return {
        month: plan.month,
        cityCode: plan.city_code,
        version: plan.version,
        step: review.step,
        decision: review.decision,
        reason: review.reason,
        userId: review.user_id,
        role: review.role,
        approvedLines: approved ? inCategoryOrder(approved) : null,
        at: review.created_at.toISOString(),
      };
    });
    return { ...response, replayed };
  });
}
