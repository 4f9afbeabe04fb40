import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import type { Role } from '@fund/shared';
import { EncryptionCodec, issueToken, startService, type RunningService } from '@fund/shared/server';
import { budgetService, loadBudgetConfig } from '@fund/budget';
import { collectionService, loadCollectionConfig } from '@fund/collection';
import { disbursementService, loadDisbursementConfig } from '@fund/disbursement';
import { spawnTs, stopChild } from '@fund/infra';
import { createCycleWorker, loadWorkerConfig } from '@fund/workflows';
import { readTestEnvironment, TEST_PAYLOAD_KEY, TEST_SECRET } from './environment';
import { startFaultProxy } from './fault-proxy';
import { createTestDatabase, serviceEnv } from './harness';

export { TEST_SECRET };

// Keep the SDK's own logs to warnings; a jest worker process may install the runtime once only.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by an earlier test file in this process
}

export interface StackOptions {
  /** Milliseconds per day of the month: deadlines fall at day N x dayMs after the start. */
  dayMs?: number;
  beneficiaries?: number;
  batchSize?: number;
  /** The province's payout day (PAYOUT_DAY); unset: each city pays once prepared. */
  payoutDay?: number;
  /** Run the worker as a child process (so a test can kill it) instead of in-process. */
  workerProcess?: boolean;
  /** Put a fault-injecting proxy between the worker and the disbursement service. */
  disbursementProxy?: boolean;
  /** Where the worker posts overdue notices (OVERDUE_WEBHOOK_URL). */
  overdueWebhookUrl?: string;
  /** More worker environment (e.g. METRICS_PORT for a worker process). */
  workerEnv?: Record<string, string>;
}

/**
 * The whole system for one test file: its own database, the three services over real HTTP,
 * a worker on its own task queue, all against the run's Temporal server. Test files must use
 * months no other file uses: workflow ids are business keys shared across the namespace.
 */
export async function startTestStack(options: StackOptions = {}) {
  const environment = readTestEnvironment();
  const { name: database, urls } = await createTestDatabase();
  const taskQueue = `fund-test-${database}`;
  const seed = { SEED_DEMO: 'true', DEMO_BENEFICIARIES: String(options.beneficiaries ?? 140) };

  const collection = await startService(collectionService(loadCollectionConfig(serviceEnv(urls.collection, seed))));
  const disbursement = await startService(disbursementService(loadDisbursementConfig(serviceEnv(urls.disbursement, seed))));
  const budgetEnv = serviceEnv(urls.budget, {
    ...seed,
    TEMPORAL_ADDRESS: environment.temporalAddress,
    TASK_QUEUE: taskQueue,
    CYCLE_CLOCK: `compressed:${options.dayMs ?? 60_000}`,
    PAYOUT_BATCH_SIZE: String(options.batchSize ?? 50),
    ACTIVITY_RETRY_INITIAL_MS: '100',
    ACTIVITY_RETRY_MAX_MS: '1000',
    ACTIVITY_HEARTBEAT_TIMEOUT_MS: '3000',
    ...(options.payoutDay !== undefined ? { PAYOUT_DAY: String(options.payoutDay) } : {}),
  });
  const budget = await startService(budgetService(loadBudgetConfig(budgetEnv)));

  const proxy = options.disbursementProxy ? await startFaultProxy(disbursement.url) : null;
  const workerEnv = {
    TEMPORAL_ADDRESS: environment.temporalAddress,
    TASK_QUEUE: taskQueue,
    COLLECTION_URL: collection.url,
    BUDGET_URL: budget.url,
    DISBURSEMENT_URL: proxy?.url ?? disbursement.url,
    WORKFLOW_BUNDLE_PATH: environment.workflowBundlePath,
    LOG_LEVEL: 'warn',
    AUTH_JWT_SECRET: TEST_SECRET,
    PAYLOAD_KEY: TEST_PAYLOAD_KEY,
    ...(options.overdueWebhookUrl ? { OVERDUE_WEBHOOK_URL: options.overdueWebhookUrl } : {}),
    ...options.workerEnv,
  };
  let worker: Worker | null = null;
  let workerRun: Promise<void> | null = null;
  let workerChild: ChildProcess | null = null;
  let workerConnection: NativeConnection | null = null;

  async function startWorker(): Promise<void> {
    if (options.workerProcess) {
      workerChild = spawnTs('workflows/src/main.ts', workerEnv, path.join(environment.workDir, `worker-${database}.log`));
      return;
    }
    workerConnection ??= await NativeConnection.connect({ address: environment.temporalAddress });
    worker = await createCycleWorker(loadWorkerConfig(workerEnv), {
      connection: workerConnection,
      bundle: { codePath: environment.workflowBundlePath },
    });
    workerRun = worker.run();
  }
  await startWorker();

  const connection = await Connection.connect({ address: environment.temporalAddress });
  // Encrypts and decrypts like the worker and the budget service: the server sees ciphertext only.
  const client = new Client({
    connection,
    dataConverter: { payloadCodecs: [new EncryptionCodec(Buffer.from(TEST_PAYLOAD_KEY, 'base64'))] },
  });

  async function api<T = any>(method: string, urlPath: string, role: Role, body?: unknown, user?: { userId?: string; cityCode?: string }) {
    const token = await issueToken(TEST_SECRET, {
      userId: user?.userId ?? `test-${role}`,
      role,
      ...(user?.cityCode ? { cityCode: user.cityCode } : {}),
    });
    const response = await fetch(`${budget.url}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** A superuser look into the test database, for assertions across schemas. */
  async function sql<T extends Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    const url = new URL(environment.adminUrl);
    url.pathname = `/${database}`;
    const pg = new PgClient({ connectionString: url.toString() });
    await pg.connect();
    try {
      return (await pg.query<T>(query, params)).rows;
    } finally {
      await pg.end();
    }
  }

  return {
    database,
    urls,
    taskQueue,
    collection,
    disbursement,
    budget,
    client,
    api,
    sql,
    startWorker,
    proxy,
    /** SIGKILL the worker process (workerProcess mode only). */
    killWorker(): void {
      workerChild?.kill('SIGKILL');
    },
    services: { collection, disbursement, budget } as Record<string, RunningService<unknown>>,
    async stop(): Promise<void> {
      if (worker) {
        (worker as Worker).shutdown();
        await workerRun;
      }
      if (workerChild) await stopChild(workerChild);
      await workerConnection?.close();
      await connection.close();
      await proxy?.close();
      await Promise.all([collection.stop(), disbursement.stop(), budget.stop()]);
    },
  };
}
export type TestStack = Awaited<ReturnType<typeof startTestStack>>;
