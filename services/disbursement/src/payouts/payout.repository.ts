import {
  ErrorCode,
  type BatchResult,
  type OnTimeRate,
  type FailedPayee,
  type PayBatchRequest,
  type PayoutProgress,
  type PlanCategory,
  type PreparedPayout,
  type PreparePayoutRequest,
  type RepayRequest,
  type RepayResult,
} from '@fund/shared';
import { balanceOf, conflict, HttpError, once, postEntry } from '@fund/shared/server';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { BankGateway, BatchQuery } from '../bank/bank.gateway';
import { accounts, type DisbursementDB, type Db } from '../db';
import { chooseDeferrals } from '../entitlements/deferral';
import { insertEntitlements, planMonth, runEntitlements } from '../entitlements/entitlement.repository';
import { ENTITLEMENT_STATUSES } from '../entitlements/entitlement.table';
import { MAX_ENTITLEMENT_ID, runIdRange } from '../entitlements/run-range';
import { appendAuditEvents, type NewAuditEvent } from '../audit/audit.repository';
import { holdPayments, releasedInRun } from '../holds/holding';
import { readBatch, screen } from '../holds/screening';
import { findAllocation } from '../pool/pool.repository';
import { lockStandardsShared, readRules, type StandardsSource } from '../standards/standards.repository';

type Trx = Transaction<DisbursementDB>;

/**
 * Locks a city's run for the month. Every change to the status of the run's entitlements
 * (batches, re-payments, and fraud holds) takes this lock first, so they never interleave.
 */
export async function lockRun(trx: Trx, month: string, cityCode: string) {
  const run = await trx
    .selectFrom('payout_runs')
    .select(['id', 'cursor_id', 'batches_done_at'])
    .where('month', '=', month)
    .where('city_code', '=', cityCode)
    .forUpdate()
    .executeTakeFirst();
  if (!run) throw conflict(ErrorCode.Conflict, `the ${month} payout of ${cityCode} has not been prepared`);
  return run;
}

/**
 * Snapshots what the city owes this month into its payout run: fresh entitlements computed from
 * the register and approved claims, plus arrears deferred by earlier runs, each with the due
 * date. When the approved lines (or the money allocated) do not cover them, `chooseDeferrals`
 * marks entitlements 'deferred' (see its rule: caps per category, latest first, one-time claims
 * before long-term benefits); deferred ones are carried into the next month's run.
 * Needs the month's allocation, and is done once per city and month. The entitlements are
 * computed with the standards stored now (see `lockStandardsShared`).
 */
export async function preparePayout(
  db: Kysely<DisbursementDB>,
  standards: StandardsSource,
  month: string,
  cityCode: string,
  input: PreparePayoutRequest,
): Promise<PreparedPayout & { replayed: boolean }> {
  const approved = approvedByCategory(input);
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `prepare:${input.idempotencyKey}`, { month, cityCode, ...input }, async () => {
      // Two preparations under different keys: the second waits, then finds the run and is refused.
      await sql`select pg_advisory_xact_lock(hashtextextended(${`disbursement:run:${month}:${cityCode}`}, 0))`.execute(trx);
      const existing = await trx.selectFrom('payout_runs').select('id').where('month', '=', month).where('city_code', '=', cityCode).executeTakeFirst();
      if (existing) throw conflict(ErrorCode.Conflict, `the ${month} payout of ${cityCode} was already prepared (run ${existing.id})`);
      const allocation = await findAllocation(trx, month, cityCode);
      if (!allocation) throw conflict(ErrorCode.Conflict, `${cityCode} has no allocation for ${month}; allocate before preparing the payout`);
      const dueDate = new Date(input.dueDate);

      // The standards in force now fix this month's entitlements; a publication waits for the commit.
      await lockStandardsShared(trx);
      // No register write is in flight from here to the commit, so every change this preparation
      // does not see is numbered above the run's register_seq (the batches screen those).
      await sql`lock table beneficiaries in share mode`.execute(trx);
      const { seq: registerSeq } = (await sql<{ seq: string }>`select nextval('register_changes')::text as seq`.execute(trx)).rows[0]!;
      const plan = await planMonth(trx, month, cityCode, await standards.load(trx));
      await insertEntitlements(trx, month, cityCode, dueDate, plan.fresh);
      if (plan.carried.length > 0) {
        await trx
          .updateTable('entitlements')
          // Arrears computed in an earlier month: watched, their screening decides afresh, their account is read when paid.
          .set({ payout_month: month, status: 'pending', due_date: dueDate, watch: true, bank_account_hash: null, updated_at: sql`now()` })
          .where(sql<boolean>`id = any(${plan.carried.map((e) => e.id)}::bigint[])`)
          .execute();
      }

      const run = (await runEntitlements(trx, month, cityCode)).filter((e) => e.status === 'pending');
      const deferred = chooseDeferrals(run, approved, BigInt(allocation.amount_fen));
      if (deferred.size > 0) {
        await trx
          .updateTable('entitlements')
          .set({ status: 'deferred', updated_at: sql`now()` })
          .where(sql<boolean>`id = any(${[...deferred]}::bigint[])`)
          .execute();
      }
      await trx
        .insertInto('payout_runs')
        .values({
          month,
          city_code: cityCode,
          idempotency_key: input.idempotencyKey,
          approved_lines: JSON.stringify(input.approvedLines),
          envelope_fen: allocation.amount_fen,
          due_date: dueDate,
          register_seq: registerSeq,
        })
        .execute();
      const sum = (rows: typeof run) => rows.reduce((s, e) => s + e.amountFen, 0n).toString();
      const paying = run.filter((e) => !deferred.has(e.id));
      const left = run.filter((e) => deferred.has(e.id));
      return { entitlements: paying.length, totalFen: sum(paying), deferred: left.length, deferredFen: sum(left) };
    });
    return { ...response, replayed };
  });
}

function approvedByCategory(input: PreparePayoutRequest): Map<PlanCategory, bigint> {
  const approved = new Map<PlanCategory, bigint>();
  for (const line of input.approvedLines) {
    if (approved.has(line.category)) {
      throw new HttpError(400, ErrorCode.ValidationFailed, `invalid request: body.approvedLines each category may appear only once`, {
        issues: [{ field: 'body.approvedLines', rule: 'each category may appear only once' }],
      });
    }
    approved.set(line.category, BigInt(line.amountFen));
  }
  return approved;
}

/** Totals of one settled batch of payments. */
export interface Settlement {
  paid: number;
  failed: number;
  paidFen: bigint;
  failedFen: bigint;
}

/** A failed entitlement to pay again, with its next attempt number. */
interface Repayable {
  id: string;
  amount_fen: string;
  claim_id: string | null;
  attempt: number;
}

/**
 * Which entitlements a payment run pays: a payout batch is the next `limit` pending ones in id
 * order from the run's cursor, screened by the supervision rules first; a re-payment is a list of
 * failed ones, each with its attempt number, or of pending ones (a hold released after the last
 * batch), which were screened and then cleared by a reviewer.
 */
type Selection =
  | { kind: 'next'; cursorId: string; limit: number; registerSeq: string | null }
  | { kind: 'list'; rows: readonly Repayable[]; status?: 'failed' | 'pending' };

/** What a selection adds up to, computed before anything is paid. */
interface Summary {
  count: number;
  dueFen: bigint;
  /** The city's expenditure account before this payment. */
  balanceFen: bigint;
  claimIds: string[];
  /** Last id selected (payout batches). */
  lastId: string | null;
  /** Held entitlements the batch passed over (held before, or by this batch's screening). */
  held: number;
  /** Of those, held by this batch's screening. */
  newlyHeld: number;
  /** Audit rows of the holds, appended at the end of the batch's transaction. */
  audit: NewAuditEvent[];
  /** The selection as a condition on `entitlements e`, usable by an index scan. */
  target: RawBuilder<unknown>;
  /** This payment's attempt number, as an expression over `marked m` joined with `attempt`. */
  attempt: RawBuilder<unknown>;
  /** What the payment statement joins to read `attempt` (nothing for a first payment). */
  attemptJoin: RawBuilder<unknown>;
  /** The selected ids, for the bank. */
  ids: BatchQuery;
}

async function summarise(trx: Trx, batch: { id: string; month: string; cityCode: string }, selection: Selection): Promise<Summary> {
  if (selection.kind === 'list') {
    const ids = selection.rows.map((r) => r.id);
    return {
      count: selection.rows.length,
      dueFen: selection.rows.reduce((s, r) => s + BigInt(r.amount_fen), 0n),
      balanceFen: await balanceOf(trx, accounts.expenditure(batch.cityCode)),
      claimIds: [...new Set(selection.rows.flatMap((r) => (r.claim_id === null ? [] : [r.claim_id])))],
      lastId: null,
      held: 0,
      newlyHeld: 0,
      audit: [],
      target: sql`e.id = any(${ids}::bigint[]) and e.status = ${selection.status ?? 'failed'}`,
      attempt: sql`a.attempt`,
      attemptJoin: sql`join unnest(${ids}::bigint[], ${selection.rows.map((r) => r.attempt)}::int[]) as a(id, attempt) on a.id = m.id`,
      ids: sql<{ id: string }>`select unnest(${ids}::bigint[])`,
    };
  }
  // The batch with its screening context in one statement, then the rules; held ones stay behind.
  const read = await readBatch(trx, batch.month, batch.cityCode, selection.cursorId, selection.limit, selection.registerSeq);
  let held: ReadonlySet<string> = new Set();
  let audit: NewAuditEvent[] = [];
  if (read.suspects.length > 0) {
    const released = await releasedInRun(trx, batch.month, batch.cityCode);
    // The standards are read (and validated) only for a suspect whose amount must be recomputed.
    const rules = read.suspects.some((r) => r.recompute) ? await readRules(trx) : null;
    const holds = screen(read.suspects, batch.month, batch.cityCode, rules, released);
    ({ held, audit } = await holdPayments(trx, batch, read.suspects, holds));
  }
  const heldFen = read.suspects.reduce((sum, r) => (held.has(r.id) ? sum + BigInt(r.amount_fen) : sum), 0n);
  const first = read.first ?? '0';
  const last = read.last;
  const run = sql`e.city_code = ${batch.cityCode} and e.payout_month = ${batch.month}`;
  // Under the run lock, the batch's pending ones are "every pending one from first to last": the held ones left the range.
  const target = sql`${run} and e.status = 'pending' and e.id between ${first}::bigint and ${last ?? '0'}::bigint`;
  return {
    count: read.count - held.size,
    dueFen: read.totalFen - heldFen,
    balanceFen: read.balanceFen,
    claimIds: read.claimIds,
    lastId: last,
    held: read.heldBefore + held.size,
    newlyHeld: held.size,
    audit,
    target,
    attempt: sql`1`,
    attemptJoin: sql``,
    ids: sql<{ id: string }>`select e.id from entitlements e where ${target}`,
  };
}

/**
 * Pays the selected entitlements, set-based: a fixed handful of statements whatever the batch
 * size, none per row. The bank gets the whole batch and answers with its rejections before
 * anything is written; then ONE statement moves every entitlement to its outcome (UPDATE over
 * the batch's index range) and writes each payment from the updated rows (INSERT ... SELECT).
 * A rejected payment moves no money: its fen stay in the expenditure account and count as
 * returned until re-paid. Refuses before the bank sees anything if the account cannot cover it.
 */
async function pay(
  trx: Trx,
  bank: BankGateway,
  batch: { id: string; month: string; cityCode: string },
  selection: Selection,
): Promise<Settlement & { lastId: string | null; held: number; audit: NewAuditEvent[] }> {
  const summary = await summarise(trx, batch, selection);
  if (summary.dueFen > summary.balanceFen) {
    throw conflict(ErrorCode.InsufficientPool, `the expenditure account of ${batch.cityCode} holds ${summary.balanceFen} fen, less than the ${summary.dueFen} fen due`, {
      balanceFen: summary.balanceFen.toString(),
      dueFen: summary.dueFen.toString(),
    });
  }
  const base = { lastId: summary.lastId, held: summary.held, audit: summary.audit };
  if (summary.count === 0) return { paid: 0, failed: 0, paidFen: 0n, failedFen: 0n, ...base };
  const rejections = await bank.submit(trx, summary.ids);

  // Where the money went, for the payment record. A payout batch takes the account each
  // entitlement stored when its run was prepared, unless the beneficiary changed since (numbered
  // above the run's register_seq, see readBatch) or none was stored. Otherwise, up to a few
  // thousand rows a primary-key probe per payment beats hashing the whole register (2,000: 29 ms
  // vs 45 ms); above, the join wins (20,000: 306 ms vs 423 ms).
  const probe = sql`(select b.bank_account_hash from beneficiaries b where b.id = m.beneficiary_id)`;
  const account =
    selection.kind === 'next' && selection.registerSeq !== null
      ? {
          value: sql`case when m.bank_account_hash is not null
            and m.beneficiary_id not in (select id from beneficiaries where changed_seq > ${selection.registerSeq}::bigint)
            then m.bank_account_hash else ${probe} end`,
          join: sql``,
        }
      : summary.count <= 5_000
        ? { value: probe, join: sql`` }
        : { value: sql`b.bank_account_hash`, join: sql`join beneficiaries b on b.id = m.beneficiary_id` };
  // Update first, straight off the index range (no join for the planner to misjudge), and write
  // each payment from the updated row.
  const rejected = rejections.map((r) => r.entitlementId);
  const outcome = await sql<{ paid: number; failed: number; paid_fen: string; failed_fen: string; marked: number }>`
    with marked as (
      update entitlements e
      set status = case when e.id = any(${rejected}::bigint[]) then 'failed' else 'paid' end,
        paid_at = case when e.id = any(${rejected}::bigint[]) then null else now() end, updated_at = now()
      where ${summary.target}
      returning e.id, e.beneficiary_id, e.amount_fen, e.status, e.bank_account_hash
    ), written as (
      insert into payments (batch_id, entitlement_id, beneficiary_id, month, city_code, amount_fen, attempt, status, bank_account_hash, failure_reason)
      select ${batch.id}::bigint, m.id, m.beneficiary_id, ${batch.month}::text, ${batch.cityCode}::text, m.amount_fen, ${summary.attempt},
        m.status, ${account.value}, r.reason
      from marked m
      ${account.join}
      left join unnest(${rejected}::bigint[], ${rejections.map((r) => r.reason)}::text[]) as r(id, reason)
        on r.id = m.id
      ${summary.attemptJoin}
      returning status, amount_fen
    )
    select count(*) filter (where status = 'paid')::int as paid, count(*) filter (where status = 'failed')::int as failed,
      coalesce(sum(amount_fen) filter (where status = 'paid'), 0)::text as paid_fen,
      coalesce(sum(amount_fen) filter (where status = 'failed'), 0)::text as failed_fen,
      (select count(*) from marked)::int as marked
    from written`.execute(trx);
  const row = outcome.rows[0];
  const written = (row?.paid ?? 0) + (row?.failed ?? 0);
  // The run lock keeps the selection still; a mismatch means it moved, so pay nothing at all.
  if (!row || written !== summary.count || row.marked !== written || BigInt(row.paid_fen) + BigInt(row.failed_fen) !== summary.dueFen) {
    throw new Error(`batch ${batch.id}: ${summary.count} selected, ${written} payments written, ${row?.marked} entitlements updated`);
  }
  if (summary.claimIds.length > 0) {
    // A claim is paid once every entitlement it gave rise to is paid.
    await sql`
      update one_time_claims c set status = 'paid', paid_at = now()
      where c.id = any(${summary.claimIds}::bigint[]) and c.status = 'approved'
        and not exists (select 1 from entitlements e where e.claim_id = c.id and e.status <> 'paid')`.execute(trx);
  }
  return { paid: row.paid, failed: row.failed, paidFen: BigInt(row.paid_fen), failedFen: BigInt(row.failed_fen), ...base };
}

/** What left the expenditure account: Dr paid_out:<city>, Cr expenditure:<city>, one entry per batch. */
async function postPaidOut(trx: Trx, key: string, kind: 'payout' | 'repay', month: string, cityCode: string, amount: bigint) {
  if (amount === 0n) return;
  await postEntry(trx, {
    idempotencyKey: key,
    kind,
    month,
    cityCode,
    postings: [
      { account: accounts.paidOut(cityCode), amountFen: amount },
      { account: accounts.expenditure(cityCode), amountFen: -amount },
    ],
  });
}

/**
 * Pays the next `batchSize` pending entitlements of the run in id order, set-based (see `pay`),
 * after the supervision rules screened them: a payment a rule holds is marked 'held' with its
 * reasons and waits for a reviewer (see holds/). Held and deferred entitlements are skipped; `held` counts the held ones this batch passed
 * over (with the last batch, all remaining to the end of the run). The batch's key makes a
 * repeated call answer with the stored result and pay nothing new; `done` is true when nothing
 * pending remains, and `progress` is the run's after the batch. The run's cursor keeps each
 * batch's scan to its own stretch of the run.
 */
export async function payBatch(
  db: Kysely<DisbursementDB>,
  bank: BankGateway,
  month: string,
  cityCode: string,
  input: PayBatchRequest,
): Promise<BatchResult & { replayed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `payout-batch:${input.idempotencyKey}`, { month, cityCode, ...input }, async () => {
      // The run lock (see `lockRun`) and the batch's record in one round trip.
      const opened = await sql<{ id: string; cursor_id: string; register_seq: string | null; batch_id: string | null }>`
        with run as (
          select id, cursor_id, register_seq from payout_runs where month = ${month} and city_code = ${cityCode} for update
        ), batch as (
          insert into payout_batches (month, city_code, kind, batch_no, idempotency_key)
          select ${month}::text, ${cityCode}::text, 'payout', ${input.batchNo}::int, ${input.idempotencyKey}::text from run
          on conflict (month, city_code, batch_no) where kind = 'payout' do nothing
          returning id
        )
        select run.id::text as id, run.cursor_id::text as cursor_id, run.register_seq::text as register_seq, (select id::text from batch) as batch_id
        from run`.execute(trx);
      const run = opened.rows[0];
      if (!run) throw conflict(ErrorCode.Conflict, `the ${month} payout of ${cityCode} has not been prepared`);
      if (run.batch_id === null) throw conflict(ErrorCode.Conflict, `batch ${input.batchNo} of the ${month} payout of ${cityCode} was already paid under another key`);
      const settled = await pay(trx, bank, { id: run.batch_id, month, cityCode }, {
        kind: 'next',
        cursorId: run.cursor_id,
        limit: input.batchSize,
        registerSeq: run.register_seq,
      });
      await postPaidOut(trx, `payout-batch:${input.idempotencyKey}`, 'payout', month, cityCode, settled.paidFen);
      const progress = await payoutProgress(trx, month, cityCode);
      const rest = await advance(trx, run.id, month, cityCode, settled.lastId ?? run.cursor_id, progress.pending);
      const done = !rest.pendingAhead && !rest.pendingBehind;
      await appendAuditEvents(trx, settled.audit);
      return {
        batchNo: input.batchNo,
        processed: settled.paid + settled.failed,
        paid: settled.paid,
        failed: settled.failed,
        held: settled.held + (done ? rest.heldAhead : 0),
        paidFen: settled.paidFen.toString(),
        failedFen: settled.failedFen.toString(),
        done,
        progress,
      };
    });
    return { ...response, replayed };
  });
}

/**
 * Moves the run's cursor past id `after` and says what is left, given how many of the run's
 * entitlements are `pending`: whether one lies ahead (an index probe that stops at the first);
 * only when none does, whether one is pending behind (a hold released after its batch passed;
 * the cursor rewinds to pay it) and how many held ones lie ahead. When nothing is pending, the
 * run's batches are done: from then on a hold a reviewer releases is paid at once (no batch will
 * come for it). With the count given, the last batch of a run probes nothing.
 */
async function advance(trx: Trx, runId: string, month: string, cityCode: string, after: string, pending: number) {
  // The run's rows past `after` (Lanzhou's last batch: the held count walked 7,600 rows of later
  // cities, 4 ms, bounded on id alone; 0.3 ms on the run's index).
  const run = runIdRange(cityCode, month, sql`${after}::bigint + 1`, MAX_ENTITLEMENT_ID);
  const result = await sql<{ ahead: boolean; behind: boolean; held: number }>`
    with probe as materialized (
      select case when ${pending}::int > 0
        then exists (select 1 from entitlements e where ${run} and e.status = 'pending' order by e.id limit 1)
        else false end as ahead
    ), rest as materialized (
      select ahead, ${pending}::int > 0 and not ahead as behind,
        case when ahead then 0 else (select count(*)::int from entitlements e where ${run} and e.status = 'held') end as held
      from probe
    ), moved as (
      update payout_runs set cursor_id = case when rest.behind then 0 else ${after}::bigint + 1 end,
        batches_done_at = case when ${pending}::int > 0 then batches_done_at else coalesce(batches_done_at, now()) end
      from rest where payout_runs.id = ${runId}
    )
    select ahead, behind, held from rest`.execute(trx);
  const row = result.rows[0];
  return { pendingAhead: row?.ahead ?? false, pendingBehind: row?.behind ?? false, heldAhead: row?.held ?? 0 };
}

/**
 * Pays again, once, the run's failed entitlements whose beneficiary's bank details were
 * corrected and re-verified after the last failure. The partial unique index on paid payments
 * makes a second success for the same entitlement impossible.
 */
export async function repayReturned(
  db: Kysely<DisbursementDB>,
  bank: BankGateway,
  month: string,
  cityCode: string,
  input: RepayRequest,
): Promise<RepayResult & { replayed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const { response, replayed } = await once(trx, `repay:${input.idempotencyKey}`, { month, cityCode, ...input }, async () => {
      await lockRun(trx, month, cityCode);
      const batch = await trx
        .insertInto('payout_batches')
        .values({ month, city_code: cityCode, kind: 'repay', batch_no: null, idempotency_key: input.idempotencyKey })
        .returning('id')
        .executeTakeFirstOrThrow();
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
        order by e.id`.execute(trx);
      const settled = await pay(trx, bank, { id: batch.id, month, cityCode }, { kind: 'list', rows: failed.rows });
      await postPaidOut(trx, `repay:${input.idempotencyKey}`, 'repay', month, cityCode, settled.paidFen);
      const progress = await payoutProgress(trx, month, cityCode);
      return { repaid: settled.paid, repaidFen: settled.paidFen.toString(), stillFailed: progress.failed };
    });
    return { ...response, replayed };
  });
}

/**
 * The run's on-time rate: of the entitlements due in it (all but the deferred, which move to a
 * later month, and the cancelled, which a reviewer stopped), those paid on or before their due
 * date. A held, failed or late one counts against it; 1 when none is due.
 */
function onTimeRate(due: number, paidOnTime: number): OnTimeRate {
  return { due, paidOnTime, rate: due === 0 ? 1 : Math.round((paidOnTime / due) * 10_000) / 10_000 };
}

/** Counts of the run's entitlements by status, what was paid and is still failed, and the on-time rate. */
export async function payoutProgress(db: Db, month: string, cityCode: string): Promise<PayoutProgress> {
  // One scan of the run's own rows: counts, totals and the on-time figures (paid_at against due_date).
  const rows = await db
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
  const by = new Map(rows.map((r) => [r.status, r]));
  const count = (status: (typeof ENTITLEMENT_STATUSES)[number]) => by.get(status)?.n ?? 0;
  const total = rows.reduce((s, r) => s + r.n, 0);
  return {
    total,
    paid: count('paid'),
    failed: count('failed'),
    held: count('held'),
    deferred: count('deferred'),
    pending: count('pending'),
    paidFen: by.get('paid')?.total ?? '0',
    failedFen: by.get('failed')?.total ?? '0',
    cancelled: count('cancelled'),
    onTime: onTimeRate(total - count('deferred') - count('cancelled'), by.get('paid')?.on_time ?? 0),
  };
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

/**
 * Pays one entitlement a reviewer released after the run's last batch: a re-payment run of one
 * (its own batch record and ledger entry under `key`), as a batch would have paid it.
 */
export async function payReleased(
  trx: Trx,
  bank: BankGateway,
  month: string,
  cityCode: string,
  entitlement: { id: string; amount_fen: string; claim_id: string | null },
  key: string,
): Promise<Settlement> {
  const batch = await trx
    .insertInto('payout_batches')
    .values({ month, city_code: cityCode, kind: 'repay', batch_no: null, idempotency_key: key })
    .returning('id')
    .executeTakeFirstOrThrow();
  const settled = await pay(trx, bank, { id: batch.id, month, cityCode }, { kind: 'list', rows: [{ ...entitlement, attempt: 1 }], status: 'pending' });
  await postPaidOut(trx, key, 'repay', month, cityCode, settled.paidFen);
  return settled;
}
