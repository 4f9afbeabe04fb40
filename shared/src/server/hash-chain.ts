import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * The tamper-evident chain behind each service's append-only audit trail: every row hashes its
 * own content together with the previous row's hash, so changing, removing or inserting a row
 * breaks the chain at that row.
 */

/** The `prev_hash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level (bigints as decimal strings): one spelling per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : typeof v === 'bigint'
        ? v.toString()
        : v,
  );
}

/** SHA-256 (hex) of a row's content, its previous row's hash among it. */
export function chainHash(content: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/** The chain checked from its first row: intact, or the first row that breaks it and why. */
export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** The last row that checked out, and its hash (the genesis hash when none did). */
  lastId: string | null;
  lastHash: string;
  broken: { id: string; reason: string } | null;
}

interface ChainRow {
  id: string;
  prev_hash: string;
  hash: string;
}

const VERIFY_PAGE = 1_000;

/**
 * Walks a chain from its first row, a page at a time (`readPage` answers rows in id order after
 * `afterId`): each row's hash must match its content (`hashOf`), and its `prev_hash` the hash of
 * the row before it. Names the first row where either fails.
 */
export async function verifyChain<Row extends ChainRow>(
  readPage: (afterId: string | null, limit: number) => Promise<Row[]>,
  hashOf: (row: Row) => string,
): Promise<ChainVerification> {
  let previous: { id: string | null; hash: string } = { id: null, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const rows = await readPage(previous.id, VERIFY_PAGE);
    for (const row of rows) {
      const broken = (reason: string): ChainVerification => ({
        ok: false,
        checked,
        lastId: previous.id,
        lastHash: previous.hash,
        broken: { id: row.id, reason },
      });
      if (hashOf(row) !== row.hash) {
        return broken(`row ${row.id} does not match its hash: its content was changed after it was written`);
      }
      if (row.prev_hash !== previous.hash) {
        return broken(
          previous.id === null
            ? `row ${row.id} is the first row but does not start the chain: rows before it were removed`
            : `row ${row.id} does not chain to row ${previous.id}: a row between them was removed or inserted, or row ${previous.id} was rewritten`,
        );
      }
      previous = { id: row.id, hash: row.hash };
      checked += 1;
    }
    if (rows.length < VERIFY_PAGE) break;
  }
  return { ok: true, checked, lastId: previous.id, lastHash: previous.hash, broken: null };
}

/** `verifyChain` over a chained table (`id`, `prev_hash`, `hash`) of a service's own schema. */
export function verifyChainTable<Row extends ChainRow>(
  db: Kysely<any>,
  table: string,
  hashOf: (row: Row) => string,
): Promise<ChainVerification> {
  return verifyChain<Row>((afterId, limit) => {
    let page = db.selectFrom(table).selectAll().orderBy('id').limit(limit);
    if (afterId !== null) page = page.where('id', '>', afterId);
    return page.execute() as Promise<Row[]>;
  }, hashOf);
}
