import fs from 'node:fs';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle, type WorkflowBundleOption } from '@temporalio/worker';
import { createLogger, EncryptionCodec, serviceToken, type Logger } from '@fund/shared/server';
import { createActivities, type OverdueEvent } from './activities';
import { bearer, serviceClient } from './activities/http';
import type { WorkerConfig } from './config';
import { activityMetricsInterceptor, createWorkerMetrics, type WorkerMetrics } from './metrics';

/** Bundles the workflow code once; the worker and tests reuse the bundle. */
export async function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`workflow bundle: ${message}\n`),
  error: (message: string) => process.stderr.write(`workflow bundle: ${message}\n`),
  log: () => undefined,
};

/** Overdue notices and early warnings: always a log event; also a webhook POST when one is configured. */
function overdueNotifier(config: WorkerConfig, logger: Logger) {
  return async (event: OverdueEvent): Promise<void> => {
    const { type = 'stage_overdue', ...fields } = event;
    const message =
      type === 'payout_at_risk'
        ? `${event.cityCode} ${event.month}: payout not complete, deadline ${event.deadline} is near`
        : `${event.cityCode} ${event.month} is overdue at ${event.stage}`;
    logger.warn({ event: type, ...fields }, message);
    if (!config.OVERDUE_WEBHOOK_URL) return;
    const response = await fetch(config.OVERDUE_WEBHOOK_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type, ...fields }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`overdue webhook answered ${response.status}`);
  };
}

/** Metrics of workers created without a registry to report to (tests): one per process. */
let unservedMetrics: WorkerMetrics | undefined;

/** A worker for the cycle's task queue, with activities bound to the three services. */
export async function createCycleWorker(
  config: WorkerConfig,
  options: { connection?: NativeConnection; bundle?: WorkflowBundleOption; logger?: Logger; metrics?: WorkerMetrics } = {},
): Promise<Worker> {
  const logger = options.logger ?? createLogger('worker', config.LOG_LEVEL);
  const connection = options.connection ?? (await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }));
  const bundle =
    options.bundle ??
    (config.WORKFLOW_BUNDLE_PATH && fs.existsSync(config.WORKFLOW_BUNDLE_PATH)
      ? { codePath: config.WORKFLOW_BUNDLE_PATH }
      : await bundleWorkflows());
  const auth = bearer(serviceToken(config.AUTH_JWT_SECRET, 'cycle-worker'));
  const activities = createActivities({
    collection: serviceClient('collection', config.COLLECTION_URL, auth),
    budget: serviceClient('budget', config.BUDGET_URL, auth),
    disbursement: serviceClient('disbursement', config.DISBURSEMENT_URL, auth),
    notify: overdueNotifier(config, logger),
    log: { info: (message, fields) => logger.info(fields ?? {}, message) },
  });
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TASK_QUEUE,
    workflowBundle: bundle,
    activities,
    // Everything sent to Temporal is encrypted: the server stores no ID number or bank account in clear.
    dataConverter: { payloadCodecs: [EncryptionCodec.fromConfig(config)] },
    interceptors: { activity: [activityMetricsInterceptor(options.metrics ?? (unservedMetrics ??= createWorkerMetrics()))] },
  });
}
