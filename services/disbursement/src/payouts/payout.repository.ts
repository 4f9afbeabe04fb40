import type { FailedPayee } from '@fund/shared';
import { sql, type Kysely } from 'kysely';
import type { DisbursementDB, Db } from '../db';
import type { EntitlementStatus } from '../entitlements/entitlement.table';

/**
 * The statements of a city's monthly payout run and its batches. Each function runs one
 * statement and maps its rows; the payout service (payout.service.ts) decides what runs when.
 */

/** Locks a city's run for the month (see `lockRun` in the service); undefined when it was never prepared. */
export async function selectRunForUpdate(db: Db, month: string, cityCode: string) {
  return db
    .selectFrom('payout_runs')
    .select(['id', 'cursor_id', 'batches_done_at'])
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .forUpdate()
    .executeTakeFirst();
}

/** Serialises preparations of one city's month, whatever their keys, until the commit. */
export async function lockPreparation(db: Db, month: string, cityCode: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`disbursement:run:${month}:${cityCode}`}, 0))`.execute(db);
}

/** The id of a city's run for the month, if it was prepared. */
export async function findRunId(db: Db, month: string, cityCode: string): Promise<string | undefined> {
  const run = await db
    .selectFrom('payout_runs')
    .select('id')
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .executeTakeFirst();
  return run?.id;
}

/** Keeps every register write out until the commit. */
export async function lockRegister(db: Db): Promise<void> {
  await sql`lock table beneficiaries in share mode`.execute(db);
}

/** The next number of `register_changes`: every register change made later numbers above it. */
export async function nextRegisterSeq(db: Db): Promise<string> {
  const { rows } = await sql<{ seq: string }>`select nextval('register_changes')::text as seq`.execute(db);
  return rows[0]!.seq;
}

/** Moves arrears deferred by earlier runs into this month's run: watched, screened afresh, their account read when paid. */
export async function carryArrears(db: Db, month: string, dueDate: Date, ids: readonly string[]): Promise<void> {
  await db
    .updateTable('entitlements')
    .set({ payout_month: month, status: 'pending', due_date: dueDate, watch: true, bank_account_hash: null, updated_at: sql`now()` })
    .where(sql<boolean>`id = any(${ids}::bigint[])`)
    .execute();
}

/** Marks entitlements 'deferred': the next month's run carries them. */
export async function deferEntitlements(db: Db, ids: readonly string[]): Promise<void> {
  await db
    .updateTable('entitlements')
    .set({ status: 'deferred', updated_at: sql`now()` })
    .where(sql<boolean>`id = any(${ids}::bigint[])`)
    .execute();
}

/** A prepared run, as stored. */
export interface NewRun {
  month: string;
  cityCode: string;
  idempotencyKey: string;
  approvedLinesJson: string;
  envelopeFen: string;
  dueDate: Date;
  registerSeq: string;
}

/** Stores a prepared run. */
export async function insertRun(db: Db, run: NewRun): Promise<void> {
  await db
    .insertInto('payout_runs')
    .values({
      month: run.month,
      city_code: run.cityCode,
      idempotency_key: run.idempotencyKey,
      approved_lines: run.approvedLinesJson,
      envelope_fen: run.envelopeFen,
      due_date: run.dueDate,
      register_seq: run.registerSeq,
    })
    .execute();
}

/**
 * The run lock (see `lockRun` in the service) and the batch's record in one round trip: the
 * run's cursor and register number, and the new batch's id (null when the batch number was
 * taken under another key). Undefined when the run was never prepared.
 */
export async function openPayoutBatch(db: Db, month: string, cityCode: string, batchNo: number, idempotencyKey: string) {
  const opened = await sql<{ id: string; cursor_id: string; register_seq: string | null; batch_id: string | null }>`
    with run as (
      select id, cursor_id, register_seq from payout_runs where month = ${month} and city_code = ${cityCode} for update
    ), batch as (
      insert into payout_batches (month, city_code, kind, batch_no, idempotency_key)
      select ${month}::text, ${cityCode}::text, 'payout', ${batchNo}::int, ${idempotencyKey}::text from run
      on conflict (month, city_code, batch_no) where kind = 'payout' do nothing
      returning id
    )
    select run.id::text as id, run.cursor_id::text as cursor_id, run.register_seq::text as register_seq, (select id::text from batch) as batch_id
    from run`.execute(db);
  return opened.rows[0];
}

/** Records a re-payment run (of returned payments, or of one released hold); returns its id. */
export async function insertRepayBatch(db: Db, month: string, cityCode: string, idempotencyKey: string): Promise<string> {
  const batch = await db
    .insertInto('payout_batches')
    .values({ month, city_code: cityCode, kind: 'repay', batch_no: null, idempotency_key: idempotencyKey })
    .returning('id')
    .executeTakeFirstOrThrow();
  return batch.id;
}

/** A failed entitlement to pay again, with its next attempt number. */
export interface Repayable {
  id: string;
  amount_fen: string;
  claim_id: string | null;
  attempt: number;
}

/** The run's failed entitlements whose beneficiary's bank details were re-verified after the last failure, in id order. */
export async function repayableEntitlements(db: Db, month: string, cityCode: string): Promise<Repayable[]> {
  // A failed entitlement's attempts all failed, so the failed-payments index finds them all.
  const failed = await sql<Repayable>`
    with attempts as (
      select entitlement_id, max(attempt)::int as attempt, max(created_at) as failed_at from payments
      where month = ${month} and city_code = ${cityCode} and status = 'failed'
      group by entitlement_id
    )
    select e.id, e.amount_fen, e.claim_id, a.attempt + 1 as attempt
    from attempts a join entitlements e on e.id = a.entitlement_id join beneficiaries b on b.id = e.beneficiary_id
    where e.status = 'failed' and b.bank_status = 'valid' and b.bank_verified_at > a.failed_at
    order by e.id`.execute(db);
  return failed.rows;
}

/** What is left of a run after a batch (see `advance` in the service). */
export interface RunRest {
  pendingAhead: boolean;
  pendingBehind: boolean;
  heldAhead: number;
}

/**
 * Moves the run's cursor past id `after` in one statement, given how many of its entitlements
 * are `pending`: whether one lies ahead (an index probe that stops at the first); only when none
 * does, whether one is pending behind (the cursor rewinds to 0) and how many held ones lie ahead.
 * With nothing pending, stamps the run's batches done.
 */
export async function advanceRun(db: Db, runId: string, month: string, cityCode: string, after: string, pending: number): Promise<RunRest> {
  // The run's rows past `after`, both bounds on the run's index (city_code, payout_month, id) as a
  // whole: bounded on id alone, the held count would walk the primary key through later cities.
  const result = await sql<{ ahead: boolean; behind: boolean; held: number }>`
    with probe as materialized (
      select case when ${pending}::int > 0
        then exists (
          select 1 from entitlements e
          where e.city_code = ${cityCode} and e.payout_month = ${month}
            and (e.city_code, e.payout_month, e.id) >= (${cityCode}::text, ${month}::text, ${after}::bigint + 1)
            and (e.city_code, e.payout_month, e.id) <= (${cityCode}::text, ${month}::text, 9223372036854775807::bigint)
            and e.status = 'pending' order by e.id limit 1)
        else false end as ahead
    ), rest as materialized (
      select ahead, ${pending}::int > 0 and not ahead as behind,
        case when ahead then 0 else (
          select count(*)::int from entitlements e
          where e.city_code = ${cityCode} and e.payout_month = ${month}
            and (e.city_code, e.payout_month, e.id) >= (${cityCode}::text, ${month}::text, ${after}::bigint + 1)
            and (e.city_code, e.payout_month, e.id) <= (${cityCode}::text, ${month}::text, 9223372036854775807::bigint)
            and e.status = 'held') end as held
      from probe
    ), moved as (
      update payout_runs set cursor_id = case when rest.behind then 0 else ${after}::bigint + 1 end,
        batches_done_at = case when ${pending}::int > 0 then batches_done_at else coalesce(batches_done_at, now()) end
      from rest where payout_runs.id = ${runId}
    )
    select ahead, behind, held from rest`.execute(db);
  const row = result.rows[0];
  return { pendingAhead: row?.ahead ?? false, pendingBehind: row?.behind ?? false, heldAhead: row?.held ?? 0 };
}

/** Count, total and paid-on-time count of a run's entitlements in each status. */
export interface StatusCount {
  status: EntitlementStatus;
  n: number;
  total: string;
  on_time: number;
}

/** The run's entitlements by status, in one scan of the run's own rows (paid_at against due_date for on time). */
export async function countByStatus(db: Db, month: string, cityCode: string): Promise<StatusCount[]> {
  return db
    .selectFrom('entitlements')
    .select([
      'status',
      sql<number>`count(*)::int`.as('n'),
      sql<string>`coalesce(sum(amount_fen), 0)::text`.as('total'),
      sql<number>`count(*) filter (where paid_at <= due_date)::int`.as('on_time'),
    ])
    .where('city_code', '=', cityCode)
    .where('payout_month', '=', month)
    .groupBy('status')
    .execute();
}

/** The listed cities whose run for the month is prepared, largest envelope first. */
export async function preparedCities(db: Kysely<DisbursementDB>, month: string, cityCodes: readonly string[]): Promise<string[]> {
  const runs = await db
    .selectFrom('payout_runs')
    .select('city_code')
    .where('month', '=', month)
    .where('city_code', 'in', [...cityCodes])
    .orderBy('envelope_fen', 'desc')
    .orderBy('city_code')
    .execute();
  return runs.map((r) => r.city_code);
}

/** Failed payments of a city's month grouped by beneficiary; `mask` opens and hides the sealed account number. */
export async function failedPayments(
  db: Db,
  month: string,
  cityCode: string,
  limit: number,
  mask: (account: string) => string,
): Promise<FailedPayee[]> {
  const rows = await db
    .selectFrom('payments as p')
    .innerJoin('entitlements as e', 'e.id', 'p.entitlement_id')
    .innerJoin('beneficiaries as b', 'b.id', 'p.beneficiary_id')
    .select([
      'p.id',
      'p.entitlement_id',
      'p.beneficiary_id',
      'p.amount_fen',
      'p.attempt',
      'p.created_at',
      'p.failure_reason',
      'e.type',
      'e.status as entitlement_status',
      'b.name',
      'b.bank_account_sealed',
      'b.bank_name',
      'b.bank_status',
    ])
    .where('p.month', '=', month)
    .where('p.city_code', '=', cityCode)
    .where('p.status', '=', 'failed')
    .orderBy('p.beneficiary_id')
    .orderBy('p.id')
    .limit(limit)
    .execute();
  const payees = new Map<string, FailedPayee>();
  for (const r of rows) {
    const payee = payees.get(r.beneficiary_id) ?? {
      beneficiaryId: r.beneficiary_id,
      name: r.name,
      bankAccount: mask(r.bank_account_sealed),
      bankName: r.bank_name,
      bankStatus: r.bank_status,
      failedFen: '0',
      payments: [],
    };
    const repaid = r.entitlement_status === 'paid';
    if (!repaid) payee.failedFen = (BigInt(payee.failedFen) + BigInt(r.amount_fen)).toString();
    payee.payments.push({
      paymentId: r.id,
      entitlementId: r.entitlement_id,
      type: r.type,
      amountFen: r.amount_fen,
      attempt: r.attempt,
      failedAt: r.created_at.toISOString(),
      reason: r.failure_reason,
      repaid,
    });
    payees.set(r.beneficiary_id, payee);
  }
  return [...payees.values()];
}
