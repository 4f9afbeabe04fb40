import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { CITY_CODES, cycleWorkflowId, monthOf, type CityStatus } from '@fund/shared';
import { EncryptionCodec, startService, type RunningService } from '@fund/shared/server';
import { budgetService, loadBudgetConfig } from '@fund/budget';
import { collectionService, loadCollectionConfig } from '@fund/collection';
import { disbursementService, loadDisbursementConfig } from '@fund/disbursement';
import { bundleWorkflows, createCycleWorker, loadWorkerConfig } from '@fund/workflows';
import { copyRates, median } from '../bench/copy';
import { budgetCaller, driveCycle } from '../bench/cycle';
import { DATABASE, PAYOUT_DAY, TASK_QUEUE, parseArgs, requireLoopback } from '../bench/options';
import { readPayoutTimeline, unionSeconds } from '../bench/timeline';
import { DATA_DIR } from '../paths';
import { dropDatabase, provisionDatabase, resolvePostgres } from '../postgres';
import { rolePassword } from '../stack';
import { findTemporalCli, freePort, startTemporalServer, type TemporalServer } from '../temporal';

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
    const registerKey = crypto.randomBytes(32).toString('base64');
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
    const disbursement = await startService(
      disbursementService(loadDisbursementConfig(env('disbursement', { REGISTER_KEY: registerKey }))),
    );
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
    const call = budgetCaller(budget.url, secret);
    await driveCycle(call, month, log);
    // Wait for the month to close on the workflow's result, not by polling the cycle view: the
    // view queries every city workflow, load that would land on the payout being measured.
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({
      connection,
      dataConverter: { payloadCodecs: [EncryptionCodec.fromConfig({ PAYLOAD_KEY: payloadKey, PAYLOAD_PREVIOUS_KEYS: [] })] },
    });
    await client.workflow.getHandle(cycleWorkflowId(month)).result();
    const closed = await call<{ status: string; reconciliation: { balanced: boolean } | null; cities: CityStatus[] }>(
      'GET',
      `/cycles/${month}`,
      'operator',
    );
    if (closed.body.status !== 'closed' || !closed.body.reconciliation?.balanced)
      throw new Error(`the month ended ${closed.body.status} without balancing`);

    // How long the cities take to record the outcome (the workflow task handling the province's
    // signal) is printed, not timed. Preparation (the month's entitlements computed from the
    // register) comes before the payout day and is not timed.
    const { province, intervals, lengths, stages, selfPaid, recordedAt } = await readPayoutTimeline(client, month);
    if (province && recordedAt.length > 0) {
      log(
        `the province's payout task took ${(province[1] - province[0]).toFixed(2)} s; the last city recorded its payout ${(Math.max(...recordedAt) - province[1]).toFixed(2)} s after it`,
      );
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
    log(
      `payout: ${payments} payments of ${counts.entitlements} entitlements (${counts.held} held by the fraud rules) in ${payoutSeconds.toFixed(2)} s, batches of ${options.batchSize}`,
    );
    log(
      `payout: from the province's payout activity starting to it completing${selfPaid.length > 0 ? ' or the last city paying itself completing' : ''}; at least one city paying during ${busy.toFixed(2)} s of it`,
    );
    const origin = Math.min(...intervals.map((i) => i[0]));
    log(
      `per city (start +s, duration s): ${intervals.map(([a, b], i) => `${CITY_CODES[i]} +${(a - origin).toFixed(2)} ${(b - a).toFixed(2)}`).join(', ')}`,
    );
    const payoutDay = Date.parse(closed.body.cities[0]?.payoutDay ?? '') / 1000;
    const late = CITY_CODES.filter((_, i) => !(stages[i]!.preparePayout![1] <= payoutDay));
    if (late.length > 0) {
      throw new Error(
        `${late.join(', ')} finished preparing after the payout day began, so the payout would time preparation too; run with longer days (--day-ms, now ${options.dayMs})`,
      );
    }
    const span = (t: Record<string, [number, number]>, name: string) =>
      `${name} ${(t[name]![0] - payoutDay).toFixed(2)}..${(t[name]![1] - payoutDay).toFixed(2)}`;
    log(
      `per city, seconds from the payout day: ${stages.map((t, i) => `${CITY_CODES[i]} ${span(t, 'allocate')} ${span(t, 'preparePayout')} ${span(t, 'payout')}`).join('; ')}`,
    );
    log(`history events per city: min ${Math.min(...lengths)}, max ${Math.max(...lengths)}`);

    const copies = await copyRates(postgres.url, payments, month);
    const copyRowsPerSecond = median(copies);
    log(
      `COPY FROM STDIN of ${payments} payment rows, ${copies.length} times: ${copies.map(Math.round).join(', ')} rows/s; median ${Math.round(copyRowsPerSecond)}`,
    );
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
