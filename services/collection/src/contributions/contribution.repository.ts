import type { ReportContributionRequest } from '@fund/shared';
import { postEntry } from '@fund/shared/server';
import type { Kysely, Transaction } from 'kysely';
import { accounts, type CollectionDB } from '../db';
import { registeredEmployers } from '../employers/employer.repository';
import { onceEach } from '../idempotency';
import { provinceToday } from '../rates/rate.repository';

/**
 * Books a contribution the tax bureau collected into the city's income account. The bureau's
 * receipt reference is the idempotency key: a repeated report books nothing.
 */
export async function recordContribution(db: Kysely<CollectionDB>, input: ReportContributionRequest) {
  const [result] = await db.transaction().execute((trx) => recordContributionsIn(trx, [input]));
  return result!;
}

/** `recordContribution` for many reports inside the caller's transaction (the demo tax bureau reports a month in one). */
export async function recordContributionsIn(trx: Transaction<CollectionDB>, inputs: readonly ReportContributionRequest[]) {
  const results = await onceEach(
    trx,
    inputs.map((input) => ({ key: `contribution:${input.reference}`, request: input })),
    async (fresh) => {
      const employers = await registeredEmployers(
        trx,
        fresh.map((i) => i.employerId),
      );
      const today = provinceToday();
      const rows = await trx
        .insertInto('contributions')
        .values(
          fresh.map((input) => ({
            employer_id: input.employerId,
            city_code: employers.get(input.employerId)!.city_code,
            month: input.month,
            amount_fen: input.amountFen,
            reference: input.reference,
            paid_on: input.paidOn ?? today,
          })),
        )
        .returning(['id', 'city_code', 'reference'])
        .execute();
      const byReference = new Map(rows.map((r) => [r.reference, r]));
      for (const input of fresh) {
        const row = byReference.get(input.reference)!;
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
      }
      return fresh.map((input) => ({
        contributionId: byReference.get(input.reference)!.id,
        cityCode: byReference.get(input.reference)!.city_code,
      }));
    },
  );
  return results.map(({ response, replayed }) => ({ ...response, replayed }));
}
