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
  const postings = input.postings.filter((p) => p.amountFen !== 0n);
  const balances = mergeByAccount(postings);
  // One statement (one round trip): the entry, its postings and the running balances. The
  // balance rows are upserted in account order, so concurrent entries never deadlock on them.
  const result = await sql<{ id: string }>`
    with entry as (
      insert into ledger_entries (idempotency_key, kind, month, city_code, memo)
      values (${input.idempotencyKey}, ${input.kind}, ${input.month}, ${input.cityCode}, ${input.memo ?? null})
      returning id
    ), postings as (
      insert into ledger_postings (entry_id, account, amount_fen)
      select entry.id, p.account, p.amount_fen
      from entry, unnest(${postings.map((p) => p.account)}::text[], ${postings.map((p) => p.amountFen.toString())}::bigint[]) as p(account, amount_fen)
    ), balances as (
      insert into ledger_balances (account, balance_fen)
      select b.account, b.amount_fen
      from unnest(${balances.map((p) => p.account)}::text[], ${balances.map((p) => p.amountFen.toString())}::bigint[]) with ordinality as b(account, amount_fen, n)
      order by b.n
      on conflict (account) do update set balance_fen = ledger_balances.balance_fen + excluded.balance_fen
    )
    select id::text as id from entry`.execute(db);
  return result.rows[0]!.id;
}

function mergeByAccount(postings: Posting[]): Posting[] {
  const byAccount = new Map<string, bigint>();
  for (const p of postings) byAccount.set(p.account, (byAccount.get(p.account) ?? 0n) + p.amountFen);
  // Fixed order keeps concurrent entries from deadlocking on balance rows.
  return [...byAccount.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([account, amountFen]) => ({ account, amountFen }));
}

/** Current balance of an account (debits minus credits), 0 when it never moved. */
export async function balanceOf(db: Db, account: string): Promise<bigint> {
  const row = await (db as Kysely<LedgerTables>)
    .selectFrom('ledger_balances')
    .select('balance_fen')
    .where('account', '=', account)
    .executeTakeFirst();
  return BigInt(row?.balance_fen ?? '0');
}

/** Sum of postings to an account, optionally for entries of one kind and month. */
export async function postedTo(db: Db, account: string, filter: { kind?: string; month?: string } = {}): Promise<bigint> {
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
