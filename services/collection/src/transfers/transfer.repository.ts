import { ErrorCode, type CollectionReconciliation, type TransferRequest, type TransferResult } from '@fund/shared';
import { checkLedger, conflict, notFound, once, postEntry, postedTo } from '@fund/shared/server';
import { sql, type Kysely } from 'kysely';
import { accounts, type CollectionDB, type Db } from '../db';

/**
 * Sweeps ALL of a city's untransferred collections for months before `month` up to the
 * provincial special account, once per city and month. A repeat with the same key answers
 * with the first result; another key for a month already transferred is a conflict.
 */
export async function transferToProvince(db: Kysely<CollectionDB>, input: TransferRequest): Promise<TransferResult> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, input.idempotencyKey, input, async () => {
      const existing = await trx
        .selectFrom('transfers')
        .select(['id', 'idempotency_key'])
        .where('month', '=', input.month)
        .where('city_code', '=', input.cityCode)
        .where('reversed_at', 'is', null)
        .executeTakeFirst();
      if (existing) {
        throw conflict(ErrorCode.Conflict, `city ${input.cityCode} already transferred for ${input.month} (transfer ${existing.id})`);
      }
      const swept = await trx
        .selectFrom('contributions')
        .select(['id', 'amount_fen'])
        .where('city_code', '=', input.cityCode)
        .where('month', '<', input.month)
        .where('transfer_id', 'is', null)
        .forUpdate()
        .execute();
      const amount = swept.reduce((s, c) => s + BigInt(c.amount_fen), 0n);
      const transfer = await trx
        .insertInto('transfers')
        .values({
          month: input.month,
          city_code: input.cityCode,
          amount_fen: amount,
          contribution_count: swept.length,
          idempotency_key: input.idempotencyKey,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (swept.length > 0) {
        await trx
          .updateTable('contributions')
          .set({ transfer_id: transfer.id })
          .where(
            'id',
            'in',
            swept.map((c) => c.id),
          )
          .execute();
      }
      if (amount > 0n) {
        await postEntry(trx, {
          idempotencyKey: `transfer:${input.idempotencyKey}`,
          kind: 'transfer',
          month: input.month,
          cityCode: input.cityCode,
          postings: [
            { account: accounts.remittedToProvince(input.cityCode), amountFen: amount },
            { account: accounts.income(input.cityCode), amountFen: -amount },
          ],
        });
      }
      return {
        transferId: transfer.id,
        month: input.month,
        cityCode: input.cityCode,
        amountFen: amount.toString(),
        contributionCount: swept.length,
      };
    });
    return { ...response, replayed };
  });
}

/** Compensation: undoes a transfer the province could not receive, returning the money to the income account. */
export async function reverseTransfer(
  db: Kysely<CollectionDB>,
  input: TransferRequest,
): Promise<{ reversedFen: string; replayed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `reverse:${input.idempotencyKey}`, input, async () => {
      const transfer = await trx
        .selectFrom('transfers')
        .selectAll()
        .where('month', '=', input.month)
        .where('city_code', '=', input.cityCode)
        .where('reversed_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      if (!transfer) return { reversedFen: '0' };
      await trx.updateTable('contributions').set({ transfer_id: null }).where('transfer_id', '=', transfer.id).execute();
      await trx.updateTable('transfers').set({ reversed_at: new Date() }).where('id', '=', transfer.id).execute();
      const amount = BigInt(transfer.amount_fen);
      if (amount > 0n) {
        await postEntry(trx, {
          idempotencyKey: `reverse-transfer:${input.idempotencyKey}`,
          kind: 'transfer',
          month: input.month,
          cityCode: input.cityCode,
          postings: [
            { account: accounts.income(input.cityCode), amountFen: amount },
            { account: accounts.remittedToProvince(input.cityCode), amountFen: -amount },
          ],
        });
      }
      return { reversedFen: amount.toString() };
    });
    return { ...response, replayed };
  });
}

/** What the close of a month checks on the collection side. */
export async function reconcileCollection(db: Db, month: string, cityCode: string): Promise<CollectionReconciliation> {
  const transfer = await db
    .selectFrom('transfers')
    .select('id')
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .where('reversed_at', 'is', null)
    .executeTakeFirst();
  if (!transfer) throw notFound(`transfer of ${cityCode} for ${month}`);
  const collected = await db
    .selectFrom('contributions')
    .select(sql<string>`coalesce(sum(amount_fen), 0)::text`.as('total'))
    .where('transfer_id', '=', transfer.id)
    .executeTakeFirstOrThrow();
  const leftBehind = await db
    .selectFrom('contributions')
    .select(sql<string>`coalesce(sum(amount_fen), 0)::text`.as('total'))
    .where('city_code', '=', cityCode)
    .where('month', '<', month)
    .where('transfer_id', 'is', null)
    .executeTakeFirstOrThrow();
  const transferred = await postedTo(db, accounts.remittedToProvince(cityCode), { kind: 'transfer', month });
  const income = await postedTo(db, accounts.income(cityCode));
  const ledger = await checkLedger(db);
  return {
    month,
    cityCode,
    collectedFen: collected.total,
    transferredFen: transferred.toString(),
    leftBehindFen: leftBehind.total,
    incomeBalanceFen: income.toString(),
    ledgerBalanced: ledger.balanced,
  };
}
