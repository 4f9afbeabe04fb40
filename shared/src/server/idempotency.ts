import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { ErrorCode } from '../errors';
import { conflict } from './errors';

/** Every schema that stores idempotent results has this table (see each service's first migration). */
export interface IdempotencyTable {
  idempotency_records: {
    key: string;
    request_hash: string;
    response: unknown;
    created_at: Date;
  };
}

/** A stable hash of a request, so the same key with a different request is caught. */
export function requestHash(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
    .digest('hex');
}

/**
 * Runs `work` once per key inside the caller's transaction and stores its answer; a repeat
 * returns the stored answer. The same key with a different request is a 409.
 */
export async function once<T>(
  trx: Transaction<any>,
  key: string,
  request: unknown,
  work: () => Promise<T>,
): Promise<{ response: T; replayed: boolean }> {
  const hash = requestHash(request);
  // Serialise concurrent attempts with the same key; the loser sees the winner's answer.
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  const existing = await (trx as Kysely<IdempotencyTable>)
    .selectFrom('idempotency_records')
    .select(['request_hash', 'response'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (existing) {
    if (existing.request_hash !== hash) {
      throw conflict(ErrorCode.IdempotencyConflict, `idempotency key ${key} was already used for a different request`);
    }
    return { response: existing.response as T, replayed: true };
  }
  const response = await work();
  await (trx as Kysely<IdempotencyTable>)
    .insertInto('idempotency_records')
    .values({ key, request_hash: hash, response: JSON.stringify(response) as unknown, created_at: new Date() })
    .execute();
  return { response, replayed: false };
}
