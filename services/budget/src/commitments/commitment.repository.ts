import {
  ErrorCode,
  PLAN_CATEGORIES,
  sumFen,
  yearOf,
  type BudgetCommitment,
  type CommitBudgetRequest,
  type CommitmentRelease,
  type ReleaseCommitmentRequest,
} from '@fund/shared';
import { conflict, HttpError, requestHash } from '@fund/shared/server';
import { sql, type Kysely, type Transaction } from 'kysely';
import { amountsOf, type BudgetAmounts } from '../budgets/budget.repository';
import { isUniqueViolation, type BudgetDB, type Db } from '../db';
import type { Commitment } from './commitment.table';

/** 409 BUDGET_EXCEEDED naming the category, what is left and what was asked for. */
function budgetExceeded(year: number, cityCode: string, category: string, remaining: bigint, requested: bigint): HttpError {
  const what = category === 'total' ? 'the whole' : `the ${category}`;
  return conflict(
    ErrorCode.BudgetExceeded,
    `${what} ${year} budget of ${cityCode} has ${remaining} fen remaining; ${requested} fen was requested`,
    { year, cityCode, category, remainingFen: remaining.toString(), requestedFen: requested.toString() },
  );
}

const remainingOf = (amounts: BudgetAmounts): bigint => PLAN_CATEGORIES.reduce((s, c) => s + amounts[c].budget - amounts[c].committed, 0n);

/** Refuses lines that do not fit what remains, per category and in total. */
function checkFits(year: number, cityCode: string, amounts: BudgetAmounts, lines: CommitBudgetRequest['lines']): void {
  for (const line of lines) {
    const { budget, committed } = amounts[line.category];
    const requested = BigInt(line.amountFen);
    if (requested > budget - committed) throw budgetExceeded(year, cityCode, line.category, budget - committed, requested);
  }
  const requested = sumFen(lines.map((l) => l.amountFen));
  if (requested > remainingOf(amounts)) throw budgetExceeded(year, cityCode, 'total', remainingOf(amounts), requested);
}

/** Serialises requests with the same key for the rest of the transaction. */
async function lockKey(trx: Transaction<BudgetDB>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

async function liveCommitment(db: Db, month: string, cityCode: string, lock = false): Promise<Commitment | undefined> {
  let query = db
    .selectFrom('commitments')
    .selectAll()
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .where('released_at', 'is', null);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

function present(row: Commitment, lines: CommitBudgetRequest['lines'], replayed: boolean): BudgetCommitment {
  return {
    commitmentId: row.id,
    month: row.month,
    cityCode: row.city_code,
    year: row.year,
    lines,
    totalFen: row.total_fen,
    remainingFen: row.remaining_after_fen,
    replayed,
  };
}

const alreadyCommitted = (input: CommitBudgetRequest, id?: string): HttpError =>
  conflict(
    ErrorCode.Conflict,
    `budget of ${input.cityCode} is already committed for ${input.month}${id ? ` (commitment ${id})` : ''} under another key`,
  );

/**
 * Commits finance-approved lines against the city's annual budget for the month's year: the
 * hard budget constraint. The budget rows are locked first, so concurrent commitments of the
 * same city and year run one after the other and cannot overspend together. One live
 * commitment per city and month. A repeat with the same key answers with the live commitment
 * and commits nothing more; once compensation released it, the same request commits again
 * (the cycle retries a finance decision with the key of the plan version).
 */
export async function commitBudget(db: Kysely<BudgetDB>, input: CommitBudgetRequest): Promise<BudgetCommitment> {
  const year = yearOf(input.month);
  const hash = requestHash(input);
  return db.transaction().execute(async (trx) => {
    await lockKey(trx, `commit:${input.idempotencyKey}`);
    const prior = await trx.selectFrom('commitments').selectAll().where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
    if (prior && prior.request_hash !== hash) {
      throw conflict(ErrorCode.IdempotencyConflict, `idempotency key ${input.idempotencyKey} was already used for a different request`);
    }
    if (prior && prior.released_at === null) return present(prior, input.lines, true);

    const amounts = await amountsOf(trx, year, input.cityCode, true);
    const live = await liveCommitment(trx, input.month, input.cityCode);
    if (live) throw alreadyCommitted(input, live.id);
    checkFits(year, input.cityCode, amounts, input.lines);
    const total = sumFen(input.lines.map((l) => l.amountFen));
    const remaining = remainingOf(amounts) - total;

    // Only reachable without budget rows to lock (nothing to spend): a twin won the race.
    const raced = (error: unknown) => {
      throw isUniqueViolation(error) ? alreadyCommitted(input) : error;
    };
    if (prior) {
      const row = await trx
        .updateTable('commitments')
        .set({ released_at: null, release_key: null, remaining_after_fen: remaining })
        .where('id', '=', prior.id)
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(raced);
      return present(row, input.lines, false);
    }
    const row = await trx
      .insertInto('commitments')
      .values({
        month: input.month,
        year,
        city_code: input.cityCode,
        total_fen: total,
        idempotency_key: input.idempotencyKey,
        request_hash: hash,
        remaining_after_fen: remaining,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(raced);
    await trx
      .insertInto('commitment_lines')
      .values(input.lines.map((l) => ({ commitment_id: row.id, category: l.category, count: l.count, amount_fen: l.amountFen })))
      .execute();
    return present(row, input.lines, false);
  });
}

/**
 * Compensation: gives a city's live commitment for a month back to its annual budget. A repeat
 * with the same key when nothing is live answers with what that key released; nothing at all to
 * release answers 0.
 */
export async function releaseCommitment(db: Kysely<BudgetDB>, input: ReleaseCommitmentRequest): Promise<CommitmentRelease> {
  return db.transaction().execute(async (trx) => {
    await lockKey(trx, `release:${input.idempotencyKey}`);
    const live = await liveCommitment(trx, input.month, input.cityCode, true);
    if (live) {
      await trx
        .updateTable('commitments')
        .set({ released_at: new Date(), release_key: input.idempotencyKey })
        .where('id', '=', live.id)
        .execute();
      return { commitmentId: live.id, releasedFen: live.total_fen, replayed: false };
    }
    const prior = await trx
      .selectFrom('commitments')
      .selectAll()
      .where('release_key', '=', input.idempotencyKey)
      .orderBy('released_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!prior) return { commitmentId: null, releasedFen: '0', replayed: false };
    if (prior.month !== input.month || prior.city_code !== input.cityCode) {
      throw conflict(ErrorCode.IdempotencyConflict, `idempotency key ${input.idempotencyKey} was already used for a different request`);
    }
    return { commitmentId: prior.id, releasedFen: prior.total_fen, replayed: true };
  });
}
