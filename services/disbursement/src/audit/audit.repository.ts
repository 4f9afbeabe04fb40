import { canonicalJson, chainHash, GENESIS_HASH, verifyChainTable, type ChainVerification } from '@fund/shared/server';
import { sql } from 'kysely';
import type { Db } from '../db';
import type { AuditAction, AuditEventRow } from './audit.table';

/** Who did what to which payment (or standard), and why. */
export interface NewAuditEvent {
  userId: string;
  role: string;
  from: string | null;
  action: AuditAction;
  entitlementId: string | null;
  month: string | null;
  cityCode: string | null;
  reason: string;
  detail: Record<string, unknown>;
}

/** A stored audit row as the API shows it. */
export interface AuditEvent extends Omit<NewAuditEvent, 'detail'> {
  id: string;
  /** ISO-8601, UTC. */
  at: string;
  detail: unknown;
  prevHash: string;
  hash: string;
}

/** The hashed content of a row: every column but the hash itself, the previous row's hash included. */
function hashOf(row: Omit<AuditEventRow, 'hash'>): string {
  return chainHash({
    v: 1,
    id: row.id,
    at: row.at.toISOString(),
    userId: row.user_id,
    role: row.role,
    from: row.from_ip,
    action: row.action,
    entitlementId: row.entitlement_id,
    month: row.month,
    cityCode: row.city_code,
    reason: row.reason,
    detail: row.detail,
    prevHash: row.prev_hash,
  });
}

function present(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    userId: row.user_id,
    role: row.role,
    from: row.from_ip,
    action: row.action,
    entitlementId: row.entitlement_id,
    month: row.month,
    cityCode: row.city_code,
    reason: row.reason,
    detail: JSON.parse(row.detail) as unknown,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends rows at the end of the chain inside the caller's transaction, so a hold, release or
 * publication and its audit row commit together. The advisory lock serialises appenders: each
 * row's id and `prev_hash` come from the true last row.
 */
export async function appendAuditEvents(trx: Db, events: readonly NewAuditEvent[], at: Date = new Date()): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  await sql`select pg_advisory_xact_lock(hashtextextended('disbursement.audit_events', 0))`.execute(trx);
  const last = await trx.selectFrom('audit_events').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const { rows: ids } = await sql<{ id: string }>`
    select nextval('audit_events_id_seq')::text as id from generate_series(1, ${events.length})`.execute(trx);
  let prev = last?.hash ?? GENESIS_HASH;
  const stored: AuditEventRow[] = events.map((event, i) => {
    const row: Omit<AuditEventRow, 'hash'> = {
      id: ids[i]!.id,
      // Millisecond precision, as the column keeps it.
      at: new Date(at.getTime()),
      user_id: event.userId,
      role: event.role,
      from_ip: event.from,
      action: event.action,
      entitlement_id: event.entitlementId,
      month: event.month,
      city_code: event.cityCode,
      reason: event.reason,
      detail: canonicalJson(event.detail),
      prev_hash: prev,
    };
    const withHash = { ...row, hash: hashOf(row) };
    prev = withHash.hash;
    return withHash;
  });
  stored.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  await trx.insertInto('audit_events').values(stored).execute();
  return stored.map(present);
}

/** Rows in chain order, optionally about one entitlement or one city's month; `after` pages on by id. */
export async function listAuditEvents(
  db: Db,
  filter: {
    entitlementId?: string | undefined;
    month?: string | undefined;
    cityCode?: string | undefined;
    after?: string | undefined;
    limit: number;
  },
): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('id').limit(filter.limit);
  if (filter.entitlementId) query = query.where('entitlement_id', '=', filter.entitlementId);
  if (filter.month) query = query.where('month', '=', filter.month);
  if (filter.cityCode) query = query.where('city_code', '=', filter.cityCode);
  if (filter.after) query = query.where('id', '>', filter.after);
  return (await query.execute()).map(present);
}

/** Walks the whole chain from its first row and names the first row that breaks it. */
export function verifyAuditChain(db: Db): Promise<ChainVerification> {
  return verifyChainTable<AuditEventRow>(db, 'audit_events', hashOf);
}
