import { sql } from 'kysely';
import type { BankRejection, PaymentBatch } from '../bank/bank.gateway';
import type { Db } from '../db';

/** Above this many payments, the settling statement joins the register instead of probing it once per payment. */
const PROBE_LIMIT = 5_000;

/** What one settling statement did: payments written by outcome, and entitlements it updated. */
export interface Outcome {
  paid: number;
  failed: number;
  paid_fen: string;
  failed_fen: string;
  marked: number;
}

/** A batch to settle: its record, its entitlements, and what the bank answered. */
export interface Settling {
  batch: { id: string; month: string; cityCode: string };
  entitlements: PaymentBatch;
  /** A re-payment's attempt number of each listed id, in order (a payout batch's are all 1). */
  attempts: readonly number[];
  /** The run's register number (payout batches), see `readBatch`. */
  registerSeq: string | null;
  /** How many entitlements the batch holds. */
  count: number;
  rejections: readonly BankRejection[];
}

/**
 * Settles a batch in ONE statement: moves every entitlement to its outcome (UPDATE straight off
 * the index range or id list, no join for the planner to misjudge) and writes each payment from
 * the updated rows (INSERT ... SELECT).
 */
export async function writeOutcomes(db: Db, s: Settling): Promise<Outcome | undefined> {
  const { batch, entitlements } = s;
  const rejected = s.rejections.map((r) => r.entitlementId);
  const listed = entitlements.kind === 'list' ? entitlements : null;
  const target =
    entitlements.kind === 'list'
      ? sql`e.id = any(${entitlements.ids}::bigint[]) and e.status = ${entitlements.status}`
      : sql`e.city_code = ${entitlements.cityCode} and e.payout_month = ${entitlements.month}
          and e.status = 'pending' and e.id between ${entitlements.first}::bigint and ${entitlements.last}::bigint`;
  // Where the money went, for the payment record. A payout batch takes the account each
  // entitlement stored when its run was prepared, unless the beneficiary changed since (numbered
  // above the run's register_seq) or none was stored. Otherwise a primary-key probe per payment
  // beats hashing the whole register up to a few thousand rows; above, the join wins.
  const probe = sql`(select b.bank_account_hash from beneficiaries b where b.id = m.beneficiary_id)`;
  const stored = entitlements.kind === 'range' && s.registerSeq !== null;
  const joinRegister = !stored && s.count > PROBE_LIMIT;
  const account = stored
    ? sql`case when m.bank_account_hash is not null
          and m.beneficiary_id not in (select id from beneficiaries where changed_seq > ${s.registerSeq}::bigint)
          then m.bank_account_hash else ${probe} end`
    : joinRegister
      ? sql`b.bank_account_hash`
      : probe;
  const outcome = await sql<Outcome>`
    with marked as (
      update entitlements e
      set status = case when e.id = any(${rejected}::bigint[]) then 'failed' else 'paid' end,
        paid_at = case when e.id = any(${rejected}::bigint[]) then null else now() end, updated_at = now()
      where ${target}
      returning e.id, e.beneficiary_id, e.amount_fen, e.status, e.bank_account_hash
    ), written as (
      insert into payments (batch_id, entitlement_id, beneficiary_id, month, city_code, amount_fen, attempt, status, bank_account_hash, failure_reason)
      select ${batch.id}::bigint, m.id, m.beneficiary_id, ${batch.month}::text, ${batch.cityCode}::text, m.amount_fen,
        ${listed ? sql`a.attempt` : sql`1`}, m.status, ${account}, r.reason
      from marked m
      ${joinRegister ? sql`join beneficiaries b on b.id = m.beneficiary_id` : sql``}
      left join unnest(${rejected}::bigint[], ${s.rejections.map((r) => r.reason)}::text[]) as r(id, reason)
        on r.id = m.id
      ${listed ? sql`join unnest(${listed.ids}::bigint[], ${s.attempts}::int[]) as a(id, attempt) on a.id = m.id` : sql``}
      returning status, amount_fen
    )
    select count(*) filter (where status = 'paid')::int as paid, count(*) filter (where status = 'failed')::int as failed,
      coalesce(sum(amount_fen) filter (where status = 'paid'), 0)::text as paid_fen,
      coalesce(sum(amount_fen) filter (where status = 'failed'), 0)::text as failed_fen,
      (select count(*) from marked)::int as marked
    from written`.execute(db);
  return outcome.rows[0];
}

/** Marks paid each of the claims whose entitlements are now all paid. */
export async function markClaimsPaid(db: Db, claimIds: readonly string[]): Promise<void> {
  await sql`
    update one_time_claims c set status = 'paid', paid_at = now()
    where c.id = any(${claimIds}::bigint[]) and c.status = 'approved'
      and not exists (select 1 from entitlements e where e.claim_id = c.id and e.status <> 'paid')`.execute(db);
}
