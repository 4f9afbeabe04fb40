import { canonicalJson, chainHash, GENESIS_HASH, verifyChainTable, type ChainVerification } from '@fund/shared/server';
import { sql, type Kysely } from 'kysely';
import type { BudgetDB, Db } from '../db';
import type { AuditAction, AuditEventRow } from './audit.table';

/** A decision or refused attempt to record: who, in what role, from where, did what to which plan, and how it ended. */
export interface NewAuditEvent {
  userId: string;
  role: string;
  from: string | null;
  action: AuditAction;
  decision: string | null;
  month: string;
  cityCode: string;
  planVersion: number | null;
  outcome: 'accepted' | 'refused';
  /** The rule that refused it, as the caller was told. */
  rule: string | null;
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
    decision: row.decision,
    month: row.month,
    cityCode: row.city_code,
    planVersion: row.plan_version,
    outcome: row.outcome,
    rule: row.rule,
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
    decision: row.decision,
    month: row.month,
    cityCode: row.city_code,
    planVersion: row.plan_version,
    outcome: row.outcome,
    rule: row.rule,
    detail: JSON.parse(row.detail) as unknown,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends one row at the end of the chain. The advisory lock serialises appends, so each row's
 * id and `prev_hash` are taken from the true last row.
 */
export async function appendAuditEvent(db: Kysely<BudgetDB>, event: NewAuditEvent, at: Date = new Date()): Promise<AuditEvent> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended('budget.audit_events', 0))`.execute(trx);
    const last = await trx.selectFrom('audit_events').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const { rows } = await sql<{ id: string }>`select nextval('audit_events_id_seq')::text as id`.execute(trx);
    const row: Omit<AuditEventRow, 'hash'> = {
      id: rows[0]!.id,
      at: new Date(at.getTime()),
      user_id: event.userId,
      role: event.role,
      from_ip: event.from,
      action: event.action,
      decision: event.decision,
      month: event.month,
      city_code: event.cityCode,
      plan_version: event.planVersion,
      outcome: event.outcome,
      rule: event.rule,
      detail: canonicalJson(event.detail),
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    const stored = { ...row, hash: hashOf(row) };
    await trx.insertInto('audit_events').values(stored).execute();
    return present(stored);
  });
}

/** Rows in chain order, optionally for one month and city; `after` pages on by id. */
export async function listAuditEvents(
  db: Db,
  filter: { month?: string | undefined; cityCode?: string | undefined; after?: string | undefined; limit: number },
): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('id').limit(filter.limit);
  if (filter.month) query = query.where('month', '=', filter.month);
  if (filter.cityCode) query = query.where('city_code', '=', filter.cityCode);
  if (filter.after) query = query.where('id', '>', filter.after);
  return (await query.execute()).map(present);
}

/** Walks the whole chain from its first row and names the first row that breaks it. */
export function verifyAuditChain(db: Db): Promise<ChainVerification> {
  return verifyChainTable<AuditEventRow>(db, 'audit_events', hashOf);
}
