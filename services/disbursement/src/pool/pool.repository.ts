import {
  ErrorCode,
  type AllocationRequest,
  type MovementResult,
  type PoolPosition,
  type ReceiptRequest,
  type ReleaseRequest,
  type ReleaseResult,
  type ReservationRequest,
} from '@fund/shared';
import { balanceOf, conflict, once, postEntry } from '@fund/shared/server';
import { sql, type Kysely, type Transaction } from 'kysely';
import { accounts, type DisbursementDB, type Db } from '../db';

/**
 * Serialises every movement that changes what the pool has available, so two reservations
 * cannot both pass against the same balance. Taken after once()'s per-key lock, never before.
 */
async function lockPool(trx: Transaction<DisbursementDB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended('disbursement:pool', 0))`.execute(trx);
}

/** The special account's balance, what is earmarked, and what is free. */
export async function poolPosition(db: Db): Promise<PoolPosition> {
  const balance = await balanceOf(db, accounts.special);
  const reserved = await reservedFen(db);
  return { balanceFen: balance.toString(), reservedFen: reserved.toString(), availableFen: (balance - reserved).toString() };
}

async function reservedFen(db: Db): Promise<bigint> {
  const row = await db
    .selectFrom('reservations')
    .select(sql<string>`coalesce(sum(amount_fen), 0)::text`.as('total'))
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return BigInt(row.total);
}

/**
 * The special account receives a city's transfer: Dr special, Cr remittance:<city>. One receipt
 * per city and month; the same key again answers with the first result, another key is a 409.
 */
export async function receiveTransfer(db: Kysely<DisbursementDB>, input: ReceiptRequest): Promise<MovementResult> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `receipt:${input.idempotencyKey}`, input, async () => {
      await lockPool(trx);
      const existing = await trx
        .selectFrom('receipts')
        .select('id')
        .where('month', '=', input.month)
        .where('city_code', '=', input.cityCode)
        .executeTakeFirst();
      if (existing) {
        throw conflict(
          ErrorCode.Conflict,
          `the transfer of ${input.cityCode} for ${input.month} was already received (receipt ${existing.id})`,
        );
      }
      const receipt = await trx
        .insertInto('receipts')
        .values({
          month: input.month,
          city_code: input.cityCode,
          amount_fen: input.amountFen,
          transfer_id: input.transferId,
          idempotency_key: input.idempotencyKey,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const amount = BigInt(input.amountFen);
      if (amount > 0n) {
        await postEntry(trx, {
          idempotencyKey: `receipt:${input.idempotencyKey}`,
          kind: 'receipt',
          month: input.month,
          cityCode: input.cityCode,
          memo: `transfer ${input.transferId}`,
          postings: [
            { account: accounts.special, amountFen: amount },
            { account: accounts.remittance(input.cityCode), amountFen: -amount },
          ],
        });
      }
      return { id: receipt.id, amountFen: amount.toString() };
    });
    return { ...response, replayed };
  });
}

/**
 * Earmarks pool money for a city's approved plan. Refused with INSUFFICIENT_POOL when the amount
 * is more than the balance less what is already reserved; a refusal stores nothing, so the same
 * key may be tried again once money has arrived.
 */
export async function reserve(db: Kysely<DisbursementDB>, input: ReservationRequest): Promise<MovementResult> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `reservation:${input.idempotencyKey}`, input, async () => {
      await lockPool(trx);
      const live = await trx
        .selectFrom('reservations')
        .select(['id', 'status'])
        .where('month', '=', input.month)
        .where('city_code', '=', input.cityCode)
        .where('status', '<>', 'released')
        .executeTakeFirst();
      if (live) {
        throw conflict(
          ErrorCode.Conflict,
          `${input.cityCode} already has a ${live.status} reservation for ${input.month} (reservation ${live.id})`,
        );
      }
      const amount = BigInt(input.amountFen);
      const balance = await balanceOf(trx, accounts.special);
      const available = balance - (await reservedFen(trx));
      if (amount > available) {
        throw conflict(
          ErrorCode.InsufficientPool,
          `the pool has ${available} fen available, less than the ${amount} fen asked for ${input.cityCode} in ${input.month}`,
          { availableFen: available.toString(), requestedFen: amount.toString() },
        );
      }
      const reservation = await trx
        .insertInto('reservations')
        .values({ month: input.month, city_code: input.cityCode, amount_fen: amount, idempotency_key: input.idempotencyKey })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: reservation.id, amountFen: amount.toString() };
    });
    return { ...response, replayed };
  });
}

/**
 * Compensation: gives a city's active reservation for the month back to the pool. Releasing when
 * nothing is active (never reserved, already released, or already allocated) changes nothing and
 * says so with `released: false`.
 */
export async function release(db: Kysely<DisbursementDB>, input: ReleaseRequest): Promise<ReleaseResult> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `release:${input.idempotencyKey}`, input, async () => {
      await lockPool(trx);
      const released = await trx
        .updateTable('reservations')
        .set({ status: 'released', closed_at: new Date() })
        .where('month', '=', input.month)
        .where('city_code', '=', input.cityCode)
        .where('status', '=', 'active')
        .returning(['id', 'amount_fen'])
        .executeTakeFirst();
      return released ? { id: released.id, amountFen: released.amount_fen, released: true } : { id: null, amountFen: '0', released: false };
    });
    return { ...response, replayed };
  });
}

/**
 * Moves approved money to the city's expenditure account: Dr expenditure:<city>, Cr special.
 * It must be covered by the city's active reservation for the month, which it consumes whole:
 * an allocation below the reservation gives the rest back to the pool. One per city and month.
 */
export async function allocate(db: Kysely<DisbursementDB>, input: AllocationRequest): Promise<MovementResult> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `allocation:${input.idempotencyKey}`, input, async () => {
      await lockPool(trx);
      const existing = await trx
        .selectFrom('allocations')
        .select('id')
        .where('month', '=', input.month)
        .where('city_code', '=', input.cityCode)
        .executeTakeFirst();
      if (existing) {
        throw conflict(ErrorCode.Conflict, `${input.cityCode} was already allocated for ${input.month} (allocation ${existing.id})`);
      }
      const reservation = await trx
        .selectFrom('reservations')
        .select(['id', 'amount_fen'])
        .where('month', '=', input.month)
        .where('city_code', '=', input.cityCode)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (!reservation) {
        throw conflict(ErrorCode.Conflict, `${input.cityCode} has no active reservation for ${input.month}; reserve before allocating`);
      }
      const amount = BigInt(input.amountFen);
      if (amount > BigInt(reservation.amount_fen)) {
        throw conflict(
          ErrorCode.Conflict,
          `the allocation of ${amount} fen is more than the ${reservation.amount_fen} fen reserved for ${input.cityCode} in ${input.month}`,
          { reservedFen: reservation.amount_fen, requestedFen: amount.toString() },
        );
      }
      await trx.updateTable('reservations').set({ status: 'consumed', closed_at: new Date() }).where('id', '=', reservation.id).execute();
      const allocation = await trx
        .insertInto('allocations')
        .values({
          month: input.month,
          city_code: input.cityCode,
          reservation_id: reservation.id,
          amount_fen: amount,
          idempotency_key: input.idempotencyKey,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (amount > 0n) {
        await postEntry(trx, {
          idempotencyKey: `allocation:${input.idempotencyKey}`,
          kind: 'allocation',
          month: input.month,
          cityCode: input.cityCode,
          postings: [
            { account: accounts.expenditure(input.cityCode), amountFen: amount },
            { account: accounts.special, amountFen: -amount },
          ],
        });
      }
      return { id: allocation.id, amountFen: amount.toString() };
    });
    return { ...response, replayed };
  });
}

/** The city's allocation for a month, if it was made. */
export async function findAllocation(db: Db, month: string, cityCode: string) {
  return db.selectFrom('allocations').selectAll().where('month', '=', month).where('city_code', '=', cityCode).executeTakeFirst();
}

/** Seeds the pool's opening balance once: Dr special, Cr opening_balance. */
export async function postOpeningBalance(db: Kysely<DisbursementDB>, month: string, amountFen: bigint): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await once(trx, 'seed:opening-balance', { month, amountFen }, async () => {
      await lockPool(trx);
      await postEntry(trx, {
        idempotencyKey: 'seed:opening-balance',
        kind: 'opening_balance',
        month,
        cityCode: null,
        postings: [
          { account: accounts.special, amountFen },
          { account: accounts.openingBalance, amountFen: -amountFen },
        ],
      });
      return { amountFen: amountFen.toString() };
    });
  });
}
