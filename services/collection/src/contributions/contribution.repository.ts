import type { ReportContributionRequest } from '@fund/shared';
import { HttpError, once, postEntry } from '@fund/shared/server';
import { ErrorCode } from '@fund/shared';
import type { Kysely, Transaction } from 'kysely';
import { accounts, type CollectionDB } from '../db';
import { findEmployer } from '../employers/employer.repository';
import { provinceToday } from '../rates/rate.repository';

/**
 * Books a contribution the tax bureau collected into the city's income account. The bureau's
 * receipt reference is the idempotency key: a repeated report books nothing.
 */
export async function recordContribution(db: Kysely<CollectionDB>, input: ReportContributionRequest) {
  return db.transaction().execute((trx) => recordContributionIn(trx, input));
}

/** `recordContribution` inside the caller's transaction (the demo tax bureau reports a month in one). */
export async function recordContributionIn(trx: Transaction<CollectionDB>, input: ReportContributionRequest) {
  const { response, replayed } = await once(trx, `contribution:${input.reference}`, input, async () => {
    const employer = await findEmployer(trx, input.employerId);
    if (!employer) {
      throw new HttpError(422, ErrorCode.ValidationFailed, `body.employerId: employer ${input.employerId} is not registered`);
    }
    const row = await trx
      .insertInto('contributions')
      .values({
        employer_id: employer.id,
        city_code: employer.city_code,
        month: input.month,
        amount_fen: input.amountFen,
        reference: input.reference,
        paid_on: input.paidOn ?? provinceToday(),
      })
      .returning(['id', 'city_code'])
      .executeTakeFirstOrThrow();
    const amount = BigInt(input.amountFen);
    await postEntry(trx, {
      idempotencyKey: `contribution:${input.reference}`,
      kind: 'contribution',
      month: input.month,
      cityCode: row.city_code,
      postings: [
        { account: accounts.income(row.city_code), amountFen: amount },
        { account: accounts.contributions(row.city_code), amountFen: -amount },
      ],
    });
    return { contributionId: row.id, cityCode: row.city_code };
  });
  return { ...response, replayed };
}
