import { ErrorCode } from '@fund/shared';
import { conflict, requestHash } from '@fund/shared/server';
import { sql, type Transaction } from 'kysely';
import type { CollectionDB } from './db';

/**
 * `once` for many keys in one transaction, in a few statements whatever their number: the keys
 * are locked together (in order, so two batches never deadlock), a key already used answers with
 * its stored response (the same key with another request is a 409), and `work` runs once for the
 * fresh requests, answering one response each, in order.
 */
export async function onceEach<I, R>(
  trx: Transaction<CollectionDB>,
  items: readonly { key: string; request: I }[],
  work: (fresh: I[]) => Promise<R[]>,
): Promise<{ response: R; replayed: boolean }[]> {
  if (items.length === 0) return [];
  const keys = items.map((i) => i.key);
  if (new Set(keys).size !== keys.length) throw new Error('onceEach: a key appears twice in one batch');
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${[...keys].sort()}::text[]) as k`.execute(trx);
  const stored = new Map(
    (await trx.selectFrom('idempotency_records').select(['key', 'request_hash', 'response']).where('key', 'in', keys).execute()).map(
      (r) => [r.key, r],
    ),
  );
  const fresh = items.filter((i) => {
    const record = stored.get(i.key);
    if (record && record.request_hash !== requestHash(i.request)) {
      throw conflict(ErrorCode.IdempotencyConflict, `idempotency key ${i.key} was already used for a different request`);
    }
    return !record;
  });
  const responses = fresh.length > 0 ? await work(fresh.map((i) => i.request)) : [];
  if (fresh.length > 0) {
    await trx
      .insertInto('idempotency_records')
      .values(
        fresh.map((i, n) => ({
          key: i.key,
          request_hash: requestHash(i.request),
          response: JSON.stringify(responses[n]) as unknown,
          created_at: new Date(),
        })),
      )
      .execute();
  }
  const answered = new Map(fresh.map((i, n) => [i.key, responses[n] as R]));
  return items.map((i) =>
    answered.has(i.key)
      ? { response: answered.get(i.key) as R, replayed: false }
      : { response: stored.get(i.key)!.response as R, replayed: true },
  );
}
