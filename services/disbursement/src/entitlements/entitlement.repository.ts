import { PLAN_CATEGORIES, type PlanDraft, type PlanCategory } from '@fund/shared';
import { sql } from 'kysely';
import type { Db } from '../db';
import { OWN_BENEFITS, RETIREMENT_ENDED } from '../supervision';
import type { DeferralCandidate } from './deferral';
import { computeDue, entitlementKey, queueKey, type BenefitRules, type DueEntitlement } from './entitlement.compute';
import type { EntitlementStatus, PayableType } from './entitlement.table';

/** A stored entitlement as the month plan needs it. */
export interface StoredEntitlement extends DeferralCandidate {
  payoutMonth: string;
  status: EntitlementStatus;
}

/**
 * What a city owes in a month, split by where it stands:
 * - `fresh`: computed now and not stored yet;
 * - `carried`: deferred by an earlier month's run, owed now (arrears);
 * - `scheduled`: already in this month's run (the month was prepared).
 * A computed entitlement that is already stored in any state is not fresh: it is owed once.
 */
export interface MonthPlan {
  fresh: DueEntitlement[];
  carried: StoredEntitlement[];
  scheduled: StoredEntitlement[];
}

/** Computes the month's plan for a city from the register, its claims and earlier runs. */
export async function planMonth(db: Db, month: string, cityCode: string, rules: BenefitRules): Promise<MonthPlan> {
  const due = await computeDue(db, month, cityCode, rules);
  const claimIds = [...new Set(due.flatMap((e) => (e.claimId === null ? [] : [e.claimId])))];
  // Each run takes over every deferral before it, so arrears can only sit in the latest earlier run.
  const previous = await db
    .selectFrom('payout_runs')
    .select('month')
    .where('city_code', '=', cityCode)
    .where('month', '<', month)
    .orderBy('month', 'desc')
    .limit(1)
    .executeTakeFirst();
  const runs = previous ? [month, previous.month] : [month];
  const stored = await db
    .selectFrom('entitlements as e')
    .leftJoin('one_time_claims as c', 'c.id', 'e.claim_id')
    .select([
      'e.id',
      'e.payout_month',
      'e.period_month',
      'e.beneficiary_id',
      'e.claim_id',
      'e.type',
      'e.category',
      'e.dependant_index',
      'e.amount_fen',
      'e.status',
      'c.approved_at',
    ])
    .where('e.city_code', '=', cityCode)
    .where((eb) =>
      eb.or([
        eb('e.payout_month', 'in', runs),
        eb('e.period_month', '=', month),
        ...(claimIds.length > 0 ? [eb(sql`e.claim_id`, '=', sql`any(${claimIds}::bigint[])`)] : []),
      ]),
    )
    .execute();

  const known = new Set<string>();
  const carried: StoredEntitlement[] = [];
  const scheduled: StoredEntitlement[] = [];
  for (const row of stored) {
    const identity = {
      periodMonth: row.period_month,
      beneficiaryId: row.beneficiary_id,
      type: row.type,
      claimId: row.claim_id,
      dependantIndex: row.dependant_index,
    };
    known.add(entitlementKey(identity));
    const entry: StoredEntitlement = {
      id: row.id,
      category: row.category,
      amountFen: BigInt(row.amount_fen),
      queueKey: queueKey({ ...identity, approvedAt: row.approved_at }),
      payoutMonth: row.payout_month,
      status: row.status,
    };
    if (row.payout_month === month) scheduled.push(entry);
    else if (row.status === 'deferred' && row.payout_month < month) carried.push(entry);
  }
  return { fresh: due.filter((e) => !known.has(entitlementKey(e))), carried, scheduled };
}

/** Every entitlement of a city's run for the month, with its queue position for the deferral rule. */
export async function runEntitlements(db: Db, month: string, cityCode: string): Promise<StoredEntitlement[]> {
  const rows = await db
    .selectFrom('entitlements as e')
    .leftJoin('one_time_claims as c', 'c.id', 'e.claim_id')
    .select([
      'e.id',
      'e.period_month',
      'e.beneficiary_id',
      'e.claim_id',
      'e.type',
      'e.category',
      'e.dependant_index',
      'e.amount_fen',
      'e.status',
      'c.approved_at',
    ])
    .where('e.city_code', '=', cityCode)
    .where('e.payout_month', '=', month)
    .orderBy('e.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    category: row.category,
    amountFen: BigInt(row.amount_fen),
    queueKey: queueKey({
      periodMonth: row.period_month,
      beneficiaryId: row.beneficiary_id,
      claimId: row.claim_id,
      approvedAt: row.approved_at,
      type: row.type,
      dependantIndex: row.dependant_index,
    }),
    payoutMonth: month,
    status: row.status,
  }));
}

/**
 * The plan draft a city agency starts from: one line per category with the number of payments
 * and their total, covering everything owed in the month (fresh, arrears, and anything the
 * month's run already holds), so the draft is the same before and after preparation.
 */
export async function draftPlan(db: Db, month: string, cityCode: string, rules: BenefitRules): Promise<PlanDraft> {
  const plan = await planMonth(db, month, cityCode, rules);
  const all: { category: PlanCategory; amountFen: bigint }[] = [...plan.fresh, ...plan.carried, ...plan.scheduled];
  return {
    month,
    cityCode,
    lines: PLAN_CATEGORIES.map((category) => {
      const inCategory = all.filter((e) => e.category === category);
      return { category, count: inCategory.length, amountFen: inCategory.reduce((s, e) => s + e.amountFen, 0n).toString() };
    }),
  };
}

/**
 * Stores computed entitlements for a month's run in one set-based statement per 5,000 rows, each
 * with the version of the case facts and the amount it was computed from, and whether a rule
 * could hold it as the register stands (`watch`: a shared ID number or account, a death date on
 * the worker's own benefits, a retirement date on the allowance), for the batch screening, which
 * finds a changed case or amount itself (see `readBatch`). ON CONFLICT DO NOTHING: an
 * entitlement already stored is owed once, whatever retried.
 */
export async function insertEntitlements(
  db: Db,
  payoutMonth: string,
  cityCode: string,
  dueDate: Date,
  rows: readonly DueEntitlement[],
): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += 5_000) {
    const chunk = rows.slice(start, start + 5_000);
    const col = <T>(pick: (e: DueEntitlement) => T) => chunk.map(pick);
    const result = await sql`
      insert into entitlements (payout_month, period_month, city_code, beneficiary_id, claim_id, type, category,
        dependant_index, amount_fen, basis, due_date, facts_version, computed_fen, watch, bank_account_hash)
      select ${payoutMonth}::text, t.period_month, ${cityCode}::text, t.beneficiary_id, t.claim_id, t.type, t.category, t.dependant_index,
        t.amount_fen, t.basis, ${dueDate}::timestamptz, b.facts_version, t.amount_fen,
        (b.id_number_hash in (select hash from shared_identifiers where kind = 'id_number')
          or b.bank_account_hash in (select hash from shared_identifiers where kind = 'bank_account')
          or ((b.death_date is not null and t.type = any(${[...OWN_BENEFITS]}::text[]))
            or (b.retirement_date is not null and t.type = any(${[...RETIREMENT_ENDED]}::text[])))),
        b.bank_account_hash
      from unnest(
        ${col((e) => e.periodMonth)}::text[], ${col((e) => e.beneficiaryId)}::bigint[], ${col((e) => e.claimId)}::bigint[],
        ${col((e): PayableType => e.type)}::text[], ${col((e) => e.category)}::text[],
        ${col((e) => e.dependantIndex)}::smallint[], ${col((e) => e.amountFen.toString())}::bigint[], ${col((e) => e.basis)}::text[]
      ) with ordinality as t(period_month, beneficiary_id, claim_id, type, category, dependant_index, amount_fen, basis, ord)
      join beneficiaries b on b.id = t.beneficiary_id
      order by t.ord
      on conflict do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0n);
  }
  return inserted;
}
