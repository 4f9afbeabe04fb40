import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { Client as PgClient, type Connection as PgConnection } from 'pg';
import { CITY_CODES, cityWorkflowId, cycleWorkflowId, monthOf, type CityStatus, type HumanRole } from '@fund/shared';
import { EncryptionCodec, issueToken, startService, type RunningService } from '@fund/shared/server';
import { budgetService, loadBudgetConfig } from '../../services/budget/src';
import { collectionService, loadCollectionConfig } from '../../services/collection/src';
import { disbursementService, loadDisbursementConfig } from '../../services/disbursement/src';
import { bundleWorkflows, createCycleWorker, loadWorkerConfig } from '../../workflows/src';
import { DATA_DIR } from '../paths';
import { dropDatabase, provisionDatabase, resolvePostgres } from '../postgres';
import { rolePassword } from '../stack';
import { findTemporalCli, freePort, startTemporalServer, type TemporalServer } from '../temporal';

/** The dedicated database the benchmark recreates on every run (BENCH_DATABASE, else fund_bench). */
const DATABASE = process.env.BENCH_DATABASE ?? 'fund_bench';
const TASK_QUEUE = 'fund-bench';
/** Entitlements per payout batch unless --batch-size says otherwise (the largest the API accepts). */
const DEFAULT_BATCH_SIZE = 20_000;
/**
 * The province's payout day: the day after the allocation deadline, when every city has been
 * approved, allocated and prepared. Every city then pays at once, as on a real payout day.
 */
const PAYOUT_DAY = 19;

interface BenchOptions {
  beneficiaries: number;
  batchSize: number;
  /** Milliseconds per day of the compressed month. */
  dayMs: number;
}

/**
 * Long enough days that every city is prepared before the payout day and no deadline, overdue
 * notice or early warning fires (each would add history): 30 ms per thousand beneficiaries, at
 * least 3 s (100,000 are prepared about 15 s after the start, the payout day begins at 54 s).
 */
const defaultDayMs = (beneficiaries: number) => Math.max(3_000, Math.round(beneficiaries * 0.03));

function parseArgs(args: string[]): BenchOptions {
  let beneficiaries = 100_000;
  let batchSize = DEFAULT_BATCH_SIZE;
  let dayMs: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = Number(args[i + 1]);
    if (flag === '--beneficiaries' && Number.isInteger(value) && value >= 14 && value <= 2_000_000) beneficiaries = value;
    else if (flag === '--batch-size' && Number.isInteger(value) && value >= 1 && value <= 20_000) batchSize = value;
    else if (flag === '--day-ms' && Number.isInteger(value) && value >= 100 && value <= 600_000) dayMs = value;
    else {
      throw new Error(
        `usage: npm run bench:payout -- [--beneficiaries 14..2000000] [--batch-size 1..20000] [--day-ms 100..600000] (bad: ${flag} ${args[i + 1] ?? ''})`,
      );
    }
    i += 1;
  }
  return { beneficiaries, batchSize, dayMs: dayMs ?? defaultDayMs(beneficiaries) };
}

/** Refuses any PostgreSQL that is not on this machine: the benchmark drops and recreates a database. */
function requireLoopback(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(`the benchmark runs only against PostgreSQL on loopback; DATABASE_URL points at ${host}`);
  }
}

/**
 * COPY ... FROM STDIN on a plain `pg` client (no extra package): a submittable that sends the
 * chunks when the server asks for them and settles on ReadyForQuery.
 */
function copyFromStdin(client: PgClient, statement: string, chunks: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    const noop = () => undefined;
    const submittable = {
      submit(connection: PgConnection) {
        (connection as unknown as { query(text: string): void }).query(statement);
      },
      handleCopyInResponse(connection: PgConnection) {
        const wire = connection as unknown as { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };
        for (const chunk of chunks) wire.sendCopyFromChunk(chunk);
        wire.endCopyFrom();
      },
      handleError(error: Error) {
        failure = error;
      },
      handleReadyForQuery() {
        if (failure) reject(failure);
        else resolve();
      },
      handleCommandComplete: noop,
      handleRowDescription: noop,
      handleDataRow: noop,
      handleEmptyQuery: noop,
      handlePortalSuspended: noop,
      handleCopyData: noop,
    };
    client.query(submittable);
  });
}

/**
 * How many COPYs the baseline is the median of: one COPY of the 100,000 register's 26,800 payment
 * rows lasts 0.1-0.2 s, and one alone varies by a fifth or more within a run.
 */
const COPY_REPEATS = 5;

/**
 * The raw COPY rates of `rows` payment rows on this machine, `COPY_REPEATS` of them in the order
 * measured (the baseline is their median): each one COPY FROM STDIN on one connection into a fresh
 * logged table of exactly the payments table's shape (LIKE disbursement.payments INCLUDING ALL:
 * columns, defaults, checks and indexes) after a checkpoint, rows shaped like the payout's (paid,
 * one per entitlement, 64-hex account hash). The text is built before the clock starts.
 */
async function copyRates(adminUrl: string, rows: number, month: string): Promise<number[]> {
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE}`;
  const client = new PgClient({ connectionString: url.toString() });
  await client.connect();
  try {
    const chunks: Buffer[] = [];
    let lines: string[] = [];
    for (let i = 1; i <= rows; i++) {
      const hash = crypto.createHash('sha256').update(String(i)).digest('hex');
      lines.push(`${1 + Math.floor(i / 20_000)}\t${i}\t${i}\t${month}\t${CITY_CODES[i % CITY_CODES.length]}\t${400_000 + (i % 500_000)}\t1\tpaid\t${hash}\t\\N\n`);
      if (lines.length === 5_000) {
        chunks.push(Buffer.from(lines.join('')));
        lines = [];
      }
    }
    if (lines.length > 0) chunks.push(Buffer.from(lines.join('')));
    const rates: number[] = [];
    for (let k = 0; k < COPY_REPEATS; k++) {
      await client.query('drop schema if exists bench_copy cascade');
      await client.query('create schema bench_copy');
      await client.query('create table bench_copy.payments (like disbursement.payments including all)');
      await client.query('checkpoint');
      const started = process.hrtime.bigint();
      await copyFromStdin(
        client,
        'copy bench_copy.payments (batch_id, entitlement_id, beneficiary_id, month, city_code, amount_fen, attempt, status, bank_account_hash, failure_reason) from stdin',
        chunks,
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const [{ n }] = (await client.query<{ n: string }>('select count(*)::text as n from bench_copy.payments')).rows as [{ n: string }];
      if (Number(n) !== rows) throw new Error(`COPY wrote ${n} rows, expected ${rows}`);
      rates.push(rows / seconds);
    }
    await client.query('drop schema bench_copy cascade');
    return rates;
  } finally {
    await client.end();
  }
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The length of the union of time intervals. */
function unionSeconds(intervals: readonly [number, number][]): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    if (a > end) {
      total += b - a;
      end = b;
    } else if (b > end) {
      total += b - end;
      end = b;
    }
  }
  return total;
}

/** Seconds since the epoch of a history event's time. */
function eventSeconds(event: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number {
  const t = event.eventTime;
  return Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;
}

/**
 * `npm run bench:payout -- --beneficiaries N [--batch-size B] [--day-ms D]`: the real payout stage
 * (cycle workflows, activities, services over HTTP, PostgreSQL) over a synthetic register of N,
 * every city paying on the province's payout day, against a raw COPY of as many payment rows on
 * the same machine. Brings up its own PostgreSQL database
 * `fund_bench` (loopback only, recreated), a headless Temporal dev server on a free port, the
 * three services and the worker in this process. The last line printed is one JSON object.
 */
export async function runBench(args: string[]): Promise<number> {
  const options = parseArgs(args);
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const workDir = path.join(DATA_DIR, 'bench');
  await fs.promises.mkdir(workDir, { recursive: true });
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed already
  }

  const postgres = await resolvePostgres(DATA_DIR, log);
  requireLoopback(postgres.url);
  let temporal: TemporalServer | null = null;
  const services: Pick<RunningService<unknown>, 'stop'>[] = [];
  let worker: Worker | null = null;
  let workerRun: Promise<void> | null = null;
  let workerConnection: NativeConnection | null = null;
  let connection: Connection | null = null;
  try {
    await dropDatabase(postgres.url, DATABASE);
    const urls = await provisionDatabase(postgres.url, DATABASE, rolePassword());
    temporal = await startTemporalServer({
      cli: await findTemporalCli(log),
      port: await freePort(),
      uiPort: null,
      dbFile: null,
      logFile: path.join(workDir, 'temporal.log'),
    });
    log(`Temporal dev server on ${temporal.address}; PostgreSQL ${postgres.source}, database ${DATABASE}`);

    const secret = crypto.randomBytes(32).toString('hex');
    const payloadKey = crypto.randomBytes(32).toString('base64');
    const env = (service: 'collection' | 'budget' | 'disbursement', extra: Record<string, string> = {}) => ({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: urls[service].appUrl,
      DATABASE_MIGRATION_URL: urls[service].ownerUrl,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      DEMO_BENEFICIARIES: String(options.beneficiaries),
      AUTH_JWT_SECRET: secret,
      PAYLOAD_KEY: payloadKey,
      // One operator token polls every city at once to drive the month: the harness, not a caller to throttle.
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '100000',
      ...extra,
    });
    const seeding = Date.now();
    const collection = await startService(collectionService(loadCollectionConfig(env('collection'))));
    const disbursement = await startService(disbursementService(loadDisbursementConfig(env('disbursement'))));
    const budget = await startService(
      budgetService(
        loadBudgetConfig(
          env('budget', {
            TEMPORAL_ADDRESS: temporal.address,
            TASK_QUEUE,
            CYCLE_CLOCK: `compressed:${options.dayMs}`,
            PAYOUT_DAY: String(PAYOUT_DAY),
            PAYOUT_BATCH_SIZE: String(options.batchSize),
          }),
        ),
      ),
    );
    services.push(collection, disbursement, budget);
    // Every account valid: a returned payment would keep its city waiting for re-payment until the
    // payout deadline, which measures the clock, not the payout.
    const admin = new URL(postgres.url);
    admin.pathname = `/${DATABASE}`;
    const pg = new PgClient({ connectionString: admin.toString() });
    await pg.connect();
    await pg.query(`update disbursement.beneficiaries set bank_status = 'valid' where bank_status = 'invalid'`);
    await pg.query('vacuum analyze');
    log(`seeded ${options.beneficiaries} beneficiaries in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

    workerConnection = await NativeConnection.connect({ address: temporal.address });
    worker = await createCycleWorker(
      loadWorkerConfig({
        TEMPORAL_ADDRESS: temporal.address,
        TASK_QUEUE,
        COLLECTION_URL: collection.url,
        BUDGET_URL: budget.url,
        DISBURSEMENT_URL: disbursement.url,
        AUTH_JWT_SECRET: secret,
        PAYLOAD_KEY: payloadKey,
        LOG_LEVEL: 'warn',
      }),
      { connection: workerConnection, bundle: await bundleWorkflows() },
    );
    workerRun = worker.run();

    const month = monthOf(new Date());
    const call = async <T>(method: string, urlPath: string, role: HumanRole, body?: unknown, user: { userId?: string; cityCode?: string } = {}) => {
      const token = await issueToken(secret, { userId: user.userId ?? `bench-${role}`, role, ...(user.cityCode ? { cityCode: user.cityCode } : {}) });
      const res = await fetch(`${budget.url}${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    };
    const started = await call('POST', '/cycles', 'provincial_agency', { month });
    if (started.status !== 201) throw new Error(`could not start the ${month} cycle: ${JSON.stringify(started.body)}`);
    log(`cycle ${month} started; every city agency and both reviewers approve as soon as asked`);

    // Each city is driven on its own, one decision at a time: the same history whatever the register
    // size. Finance approves only when every city waits for it, so the cities' payouts run together,
    // as on a payout day, and the stage is timed as one.
    const cityStatus = async (city: string) => (await call<{ cities: CityStatus[] }>('GET', `/cycles/${month}`, 'operator')).body.cities.find((c) => c.cityCode === city);
    let waitingForFinance = 0;
    const drive = async (city: string) => {
      for (const step of ['plan', 'hrss_review', 'finance_review'] as const) {
        if (step === 'finance_review') {
          waitingForFinance += 1;
          while (waitingForFinance < CITY_CODES.length) await new Promise((r) => setTimeout(r, 50));
        }
        let status = await cityStatus(city);
        while (status?.stage !== step || (step === 'plan' && !status.draft)) {
          await new Promise((r) => setTimeout(r, 100));
          status = await cityStatus(city);
        }
        const base = `/cycles/${month}/cities/${city}`;
        const answer =
          step === 'plan'
            ? await call('POST', `${base}/plan`, 'city_agency', { lines: status.draft }, { userId: `agency-${city}`, cityCode: city })
            : step === 'hrss_review'
              ? await call('POST', `${base}/hrss-decision`, 'hrss_reviewer', { planVersion: status.plan!.version, decision: 'approve' }, { userId: 'hrss-1' })
              : await call('POST', `${base}/finance-decision`, 'finance_reviewer', { planVersion: status.plan!.version, decision: 'approve' }, { userId: 'finance-1' });
        if (answer.status !== 200) throw new Error(`${city} ${step}: ${JSON.stringify(answer.body)}`);
      }
    };
    await Promise.all(CITY_CODES.map(drive));
    // Wait for the month to close on the workflow's result, not by polling the cycle view: the
    // view queries every city workflow, load that would land on the payout being measured.
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, dataConverter: { payloadCodecs: [EncryptionCodec.fromConfig({ PAYLOAD_KEY: payloadKey, PAYLOAD_PREVIOUS_KEYS: [] })] } });
    await client.workflow.getHandle(cycleWorkflowId(month)).result();
    const closed = await call<{ status: string; reconciliation: { balanced: boolean } | null; cities: CityStatus[] }>('GET', `/cycles/${month}`, 'operator');
    if (closed.body.status !== 'closed' || !closed.body.reconciliation?.balanced) throw new Error(`the month ended ${closed.body.status} without balancing`);

    // The payout stage: from the province's payout activity (payProvince) starting on a worker to its
    // completion, read from the histories, as a city's own payout activity (payCity) counts for a
    // city the province did not pay. How long the cities then take to record the outcome (the
    // workflow task handling the province's signal) is printed, not timed. Preparation (the month's
    // entitlements computed from the register) comes before the payout day and is not timed.
    type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<typeof client.workflow.getHandle>['fetchHistory']>>['events']>[number];
    const activitySpan = (events: HistoryEvent[], name: string): [number, number] | null => {
      const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name);
      const id = Number(scheduled?.eventId ?? -1);
      const start = events.find((e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId ?? -2) === id);
      const end = events.find((e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? -2) === id);
      return start && end ? [eventSeconds(start), eventSeconds(end)] : null;
    };
    const province = activitySpan((await client.workflow.getHandle(cycleWorkflowId(month)).fetchHistory()).events ?? [], 'payProvince');
    const intervals: [number, number][] = [];
    const lengths: number[] = [];
    const stages: Record<string, [number, number]>[] = [];
    const selfPaid: string[] = [];
    const recordedAt: number[] = [];
    for (const city of CITY_CODES) {
      const history = await client.workflow.getHandle(cityWorkflowId(month, city)).fetchHistory();
      const events = history.events ?? [];
      lengths.push(events.length);
      const timeline: Record<string, [number, number]> = {};
      for (const name of ['allocate', 'preparePayout']) {
        const span = activitySpan(events, name);
        if (!span) throw new Error(`no completed ${name} activity in the history of ${city}`);
        timeline[name] = span;
      }
      const own = activitySpan(events, 'payCity');
      if (own) {
        selfPaid.push(city);
        timeline.payout = own;
      } else {
        const signalled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'provincialPayout');
        const recorded = events.slice(signalled + 1).find((e) => e.workflowTaskCompletedEventAttributes);
        if (!province || signalled < 0 || !recorded) throw new Error(`${city} was neither paid by the province nor by itself`);
        timeline.payout = province;
        recordedAt.push(eventSeconds(recorded));
      }
      stages.push(timeline);
      intervals.push(timeline.payout!);
    }
    if (province && recordedAt.length > 0) {
      log(`the province's payout task took ${(province[1] - province[0]).toFixed(2)} s; the last city recorded its payout ${(Math.max(...recordedAt) - province[1]).toFixed(2)} s after it`);
    }
    if (selfPaid.length > 0) log(`paid by themselves, not by the province's payout task: ${selfPaid.join(', ')}`);
    const payoutSeconds = Math.max(...intervals.map((i) => i[1])) - Math.min(...intervals.map((i) => i[0]));
    const busy = unionSeconds(intervals);
    const [counts] = (
      await pg.query<{ payments: string; held: string; entitlements: string }>(
        `select (select count(*) from disbursement.payments where month = $1)::text as payments,
           (select count(*) from disbursement.entitlements where payout_month = $1 and status = 'held')::text as held,
           (select count(*) from disbursement.entitlements where payout_month = $1)::text as entitlements`,
        [month],
      )
    ).rows as [{ payments: string; held: string; entitlements: string }];
    await pg.end();
    const payments = Number(counts.payments);
    log(`payout: ${payments} payments of ${counts.entitlements} entitlements (${counts.held} held by the fraud rules) in ${payoutSeconds.toFixed(2)} s, batches of ${options.batchSize}`);
    log(`payout: from the province's payout activity starting to it completing${selfPaid.length > 0 ? ' or the last city paying itself completing' : ''}; at least one city paying during ${busy.toFixed(2)} s of it`);
    const origin = Math.min(...intervals.map((i) => i[0]));
    log(`per city (start +s, duration s): ${intervals.map(([a, b], i) => `${CITY_CODES[i]} +${(a - origin).toFixed(2)} ${(b - a).toFixed(2)}`).join(', ')}`);
    const payoutDay = Date.parse(closed.body.cities[0]?.payoutDay ?? '') / 1000;
    const late = CITY_CODES.filter((_, i) => !(stages[i]!.preparePayout![1] <= payoutDay));
    if (late.length > 0) {
      throw new Error(`${late.join(', ')} finished preparing after the payout day began, so the payout would time preparation too; run with longer days (--day-ms, now ${options.dayMs})`);
    }
    const span = (t: Record<string, [number, number]>, name: string) => `${name} ${(t[name]![0] - payoutDay).toFixed(2)}..${(t[name]![1] - payoutDay).toFixed(2)}`;
    log(`per city, seconds from the payout day: ${stages.map((t, i) => `${CITY_CODES[i]} ${span(t, 'allocate')} ${span(t, 'preparePayout')} ${span(t, 'payout')}`).join('; ')}`);
    log(`history events per city: min ${Math.min(...lengths)}, max ${Math.max(...lengths)}`);

    const copies = await copyRates(postgres.url, payments, month);
    const copyRowsPerSecond = median(copies);
    log(`COPY FROM STDIN of ${payments} payment rows, ${copies.length} times: ${copies.map(Math.round).join(', ')} rows/s; median ${Math.round(copyRowsPerSecond)}`);
    const payoutsPerSecond = payments / payoutSeconds;
    const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
    process.stdout.write(
      `${JSON.stringify({
        beneficiaries: options.beneficiaries,
        payout_s: round(payoutSeconds, 3),
        payouts_per_s: Math.round(payoutsPerSecond),
        copy_rows_per_s: Math.round(copyRowsPerSecond),
        ratio_to_copy: round(payoutsPerSecond / copyRowsPerSecond, 3),
        history_events_per_city: Math.max(...lengths),
      })}\n`,
    );
    return 0;
  } finally {
    if (worker) {
      worker.shutdown();
      await workerRun?.catch(() => undefined);
    }
    await workerConnection?.close();
    await connection?.close();
    await Promise.all(services.map((s) => s.stop()));
    await temporal?.stop();
    await postgres.stop();
  }
}
