import { sql, type Kysely, type Transaction } from 'kysely';

/** The double-entry tables each money-holding service keeps in its own schema. */
export interface LedgerTables {
  ledger_entries: {
    id: string;
    idempotency_key: string;
    kind: string;
    month: string;
    city_code: string | null;
    memo: string | null;
    created_at: Date;
  };
  ledger_postings: {
    id: string;
    entry_id: string;
    account: string;
    amount_fen: string;
  };
  ledger_balances: {
    account: string;
    balance_fen: string;
  };
}

/** One side of an entry: positive amounts debit the account, negative amounts credit it. */
export interface Posting {
  account: string;
  amountFen: bigint;
}

export interface EntryInput {
  idempotencyKey: string;
  kind: string;
  month: string;
  cityCode: string | null;
  memo?: string;
  postings: Posting[];
}

// Any service schema that includes the ledger tables.
type Db = Kysely<any> | Transaction<any>;

/**
 * Posts a balanced entry. Callers run it inside a transaction guarded by `once`, so the key is
 * new here; the unique index on idempotency_key is the last line of defence against a double post.
 */
export async function postEntry(trx: Transaction<any>, input: EntryInput): Promise<string> {
  const db = trx as Transaction<LedgerTables>;
  const total = input.postings.reduce((s, p) => s + p.amountFen, 0n);
  if (input.postings.length < 2 || total !== 0n) {
    throw new Error(`ledger entry ${input.idempotencyKey} does not balance (sum ${total})`);
  }
  const entry = await db
    .insertInto('ledger_entries')
    .values({
      idempotency_key: input.idempotencyKey,
      kind: input.kind,
      month: input.month,
      city_code: input.cityCode,
      memo: input.memo ?? null,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const postings = input.postings.filter((p) => p.amountFen !== 0n);
  await db
    .insertInto('ledger_postings')
    .values(postings.map((p) => ({ entry_id: entry.id, account: p.account, amount_fen: p.amountFen.toString() })) as never)
    .execute();
  for (const p of mergeByAccount(postings)) {
    await db
      .insertInto('ledger_balances')
      .values({ account: p.account, balance_fen: p.amountFen.toString() })
      .onConflict((oc) =>
        oc.column('account').doUpdateSet({ balance_fen: sql`ledger_balances.balance_fen + ${p.amountFen.toString()}::bigint` }),
      )
      .execute();
  }
  return entry.id;
}

function mergeByAccount(postings: Posting[]): Posting[] {
  const byAccount = new Map<string, bigint>();
  for (const p of postings) byAccount.set(p.account, (byAccount.get(p.account) ?? 0n) + p.amountFen);
  // Fixed order keeps concurrent entries from deadlocking on balance rows.
  return [...byAccount.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([account, amountFen]) => ({ account, amountFen }));
}

/** Current balance of an account (debits minus credits), 0 when it never moved. */
export async function balanceOf(db: Db, account: string): Promise<bigint> {
  const row = await (db as Kysely<LedgerTables>).selectFrom('ledger_balances').select('balance_fen').where('account', '=', account).executeTakeFirst();
  return BigInt(row?.balance_fen ?? '0');
}

/** Sum of postings to an account, optionally for entries of one kind and month. */
export async function postedTo(
  db: Db,
  account: string,
  filter: { kind?: string; month?: string } = {},
): Promise<bigint> {
  let query = (db as Kysely<LedgerTables>)
    .selectFrom('ledger_postings as p')
    .innerJoin('ledger_entries as e', 'e.id', 'p.entry_id')
    .select(sql<string>`coalesce(sum(p.amount_fen), 0)::text`.as('total'))
    .where('p.account', '=', account);
  if (filter.kind) query = query.where('e.kind', '=', filter.kind);
  if (filter.month) query = query.where('e.month', '=', filter.month);
  const row = await query.executeTakeFirstOrThrow();
  return BigInt(row.total);
}

/** The ledger's invariants: every entry balances, and stored balances equal the postings. */
export async function checkLedger(db: Db): Promise<{ balanced: boolean; unbalancedEntries: number; driftedAccounts: number }> {
  const unbalanced = await sql<{ n: string }>`
    select count(*)::text as n from (
      select entry_id from ledger_postings group by entry_id having sum(amount_fen) <> 0
    ) x`.execute(db);
  const drifted = await sql<{ n: string }>`
    select count(*)::text as n from ledger_balances b
    left join (select account, sum(amount_fen) as total from ledger_postings group by account) p using (account)
    where b.balance_fen <> coalesce(p.total, 0)`.execute(db);
  const unbalancedEntries = Number(unbalanced.rows[0]?.n ?? 0);
  const driftedAccounts = Number(drifted.rows[0]?.n ?? 0);
  return { balanced: unbalancedEntries === 0 && driftedAccounts === 0, unbalancedEntries, driftedAccounts };
}
