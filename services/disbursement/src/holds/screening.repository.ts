import { sql } from 'kysely';
import type { CaseFacts, Dependant } from '../benefits';
import { accounts, type Db } from '../db';
import type { PayableType } from '../entitlements/entitlement.table';
import type { BeneficiaryStatus, ClaimType } from '../register/beneficiary.table';
import { OWN_BENEFITS, RETIREMENT_ENDED, type PaymentCandidate } from '../supervision';

/** One entitlement of a payout batch that a rule might hold, with what the rules and the standards need. */
export interface BatchRow {
  id: string;
  beneficiary_id: string;
  type: PayableType;
  category: PaymentCandidate['category'];
  period_month: string | null;
  claim_id: string | null;
  dependant_index: number | null;
  amount_fen: string;
  /** ISO-8601 instant. */
  due_date: string;
  id_number_hash: string;
  bank_account_hash: string;
  status: BeneficiaryStatus;
  disability_grade: number | null;
  own_wage_fen: string | null;
  nursing_level: CaseFacts['nursingLevel'];
  injury_recognition_date: string | null;
  death_date: string | null;
  death_cause: CaseFacts['deathCause'];
  retirement_date: string | null;
  dependants: Dependant[];
  claim_type: ClaimType | null;
  billed_fen: string | null;
  /** City codes other than this one paying the same ID number this month (null: none). */
  other_cities: string[] | null;
  /** Beneficiaries receiving into the same account this month, when more than one (null: none). */
  account_holders: string[] | null;
  /** The case facts or the amount changed since the entitlement was computed: recompute its standard. */
  recompute: boolean;
}

/** A payout batch as read for screening: its bounds and totals, and the entitlements a rule might hold. */
export interface BatchRead {
  first: string | null;
  last: string | null;
  count: number;
  totalFen: bigint;
  claimIds: string[];
  suspects: BatchRow[];
  /** Entitlements already held between the cursor and the batch's last one. */
  heldBefore: number;
  /** The city's expenditure account before this batch. */
  balanceFen: bigint;
}

/**
 * Reads the next `limit` pending entitlements of a city's run from `cursorId` in ONE statement
 * however large the batch, and returns its bounds and totals plus, in full, only the entitlements
 * some rule could hold (the database narrows, `screenBatch` decides). Of the batch, only the
 * entitlements watched at preparation (`entitlements.watch`, see `insertEntitlements`), those
 * whose beneficiary or identifier changed after it (numbered above the run's `registerSeq`) and
 * those whose amount is no longer the computed one are joined to the register; of those, the
 * suspects are:
 * - the same ID number (hash) on another city's register with an entitlement scheduled this month
 *   (`other_cities`); the same account (hash) receiving for more than one beneficiary this month
 *   (`account_holders`). Each is looked up only for hashes the register holds more than once
 *   (`shared_identifiers`, kept by the register's writes), so the checks touch a few rows;
 * - a recorded death date on the worker's own benefits, a retirement date on the allowance;
 * - case facts changed since the entitlement was computed (the beneficiary's facts_version moved
 *   on), or its amount is no longer the one computed: only then can the amount differ from what
 *   the standards allow, which `screen` recomputes. Standards and yearly figures of a prepared
 *   month never change (see the standards' publish rule).
 */
export async function readBatch(
  db: Db,
  month: string,
  cityCode: string,
  cursorId: string,
  limit: number,
  registerSeq: string | null,
): Promise<BatchRead> {
  // Only these can trip a rule (see the register_changes migration); a run without a register
  // number was prepared before it was kept, and is screened in full.
  const since = registerSeq ?? '0';
  const mayTripARule =
    registerSeq === null
      ? sql<boolean>`true`
      : sql<boolean>`(n.watch is not false or n.amount_fen is distinct from n.computed_fen or n.beneficiary_id in (select id from changed))`;
  const result = await sql<{
    first: string | null;
    last: string | null;
    count: number;
    total: string;
    claims: string[] | null;
    suspects: BatchRow[];
    held: number;
    balance: string | null;
  }>`
    with next as (
      select e.id, e.beneficiary_id, e.type, e.category, e.period_month, e.claim_id, e.dependant_index, e.amount_fen, e.due_date,
        e.facts_version, e.computed_fen, e.watch
      from entitlements e
      where e.city_code = ${cityCode} and e.payout_month = ${month} and e.status = 'pending' and e.id >= ${cursorId}::bigint
      order by e.id limit ${limit}
    ), changed as materialized (
      select id from beneficiaries where changed_seq > ${since}::bigint
      union
      select b.id from shared_identifiers s join beneficiaries b on b.id_number_hash = s.hash
      where s.kind = 'id_number' and s.changed_seq > ${since}::bigint
      union
      select b.id from shared_identifiers s join beneficiaries b on b.bank_account_hash = s.hash
      where s.kind = 'bank_account' and s.changed_seq > ${since}::bigint
    ), flagged as materialized (
      -- The whole batch passes through this join, only what a rule could hold leaves it (the
      -- filter applies in the join, so the register's wide columns are read for those alone).
      select * from (
        select n.*, b.id_number_hash, b.bank_account_hash, b.status, b.disability_grade, b.own_wage_fen, b.nursing_level,
          b.injury_recognition_date, b.death_date, b.death_cause, b.retirement_date, b.dependants,
          (b.facts_version is distinct from n.facts_version or n.amount_fen is distinct from n.computed_fen) as recompute,
          -- The same conditions as the watch stored at preparation (see insertEntitlements).
          b.id_number_hash in (select hash from shared_identifiers where kind = 'id_number') as id_shared,
          b.bank_account_hash in (select hash from shared_identifiers where kind = 'bank_account') as account_shared,
          ((b.death_date is not null and n.type = any(${[...OWN_BENEFITS]}::text[]))
            or (b.retirement_date is not null and n.type = any(${[...RETIREMENT_ENDED]}::text[]))) as dated
        from next n
        -- One index probe per candidate (offset 0 keeps the planner from scanning the register to merge).
        cross join lateral (select * from beneficiaries where id = n.beneficiary_id offset 0) b
        where ${mayTripARule}
      ) f
      where recompute or id_shared or account_shared or dated
    ), other_cities as materialized (
      select c.id_number_hash, array_agg(distinct x.city_code) as cities
      from (select distinct id_number_hash from flagged where id_shared) c
      join beneficiaries x on x.id_number_hash = c.id_number_hash
      where x.city_code <> ${cityCode} and exists (select 1 from entitlements e2 where e2.beneficiary_id = x.id and e2.payout_month = ${month} and e2.status <> 'deferred')
      group by c.id_number_hash
    ), holders as materialized (
      select c.bank_account_hash, array_agg(x.id::text order by x.id) as holders
      from (select distinct bank_account_hash from flagged where account_shared) c
      join beneficiaries x on x.bank_account_hash = c.bank_account_hash
      where exists (select 1 from entitlements e2 where e2.beneficiary_id = x.id and e2.payout_month = ${month} and e2.status <> 'deferred')
      group by c.bank_account_hash having count(*) > 1
    ), suspects as (
      select f.id::text as id, f.beneficiary_id::text as beneficiary_id, f.type, f.category, f.period_month, f.claim_id::text as claim_id,
        f.dependant_index, f.amount_fen::text as amount_fen, f.due_date, f.id_number_hash, f.bank_account_hash, f.status,
        f.disability_grade, f.own_wage_fen::text as own_wage_fen, f.nursing_level, f.injury_recognition_date::text as injury_recognition_date,
        f.death_date::text as death_date, f.death_cause, f.retirement_date::text as retirement_date, f.dependants,
        cl.type as claim_type, cl.billed_fen::text as billed_fen, o.cities as other_cities, h.holders as account_holders, f.recompute
      from flagged f
      left join other_cities o on o.id_number_hash = f.id_number_hash
      left join holders h on h.bank_account_hash = f.bank_account_hash
      left join one_time_claims cl on cl.id = f.claim_id
      where f.recompute or f.dated or o.cities is not null or h.holders is not null
    ), totals as (
      select min(id)::text as first, max(id)::text as last, count(*)::int as count, coalesce(sum(amount_fen), 0)::text as total,
        array_agg(distinct claim_id::text) filter (where claim_id is not null) as claims
      from next
    )
    select t.first, t.last, t.count, t.total, t.claims,
      (select coalesce(json_agg(s order by s.id), '[]'::json) from suspects s) as suspects,
      (select count(*)::int from entitlements e
       -- Both bounds on the run's index (city_code, payout_month, id) as a whole: bounded on id
       -- alone, the planner may walk the primary key through every other city's rows.
       where e.city_code = ${cityCode} and e.payout_month = ${month}
         and (e.city_code, e.payout_month, e.id) >= (${cityCode}::text, ${month}::text, ${cursorId}::bigint)
         and (e.city_code, e.payout_month, e.id) <= (${cityCode}::text, ${month}::text, t.last::bigint)
         and e.status = 'held') as held,
      (select balance_fen::text from ledger_balances where account = ${accounts.expenditure(cityCode)}) as balance
    from totals t`.execute(db);
  const row = result.rows[0]!;
  return {
    first: row.first,
    last: row.last,
    count: row.count,
    totalFen: BigInt(row.total),
    claimIds: row.claims ?? [],
    suspects: row.suspects,
    heldBefore: row.held,
    balanceFen: BigInt(row.balance ?? '0'),
  };
}
