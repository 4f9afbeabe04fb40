import { Runtime } from '@temporalio/worker';
import { createLogger } from '@fund/shared/server';
import { loadWorkerConfig } from './config';
import { createWorkerMetrics, serveMetrics } from './metrics';
import { createCycleWorker } from './worker';

async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(78);
  }
  const logger = createLogger('worker', config.LOG_LEVEL);
  // The SDK's own metrics (task latencies, pollers, activity and workflow outcomes) from its Rust core.
  if (config.SDK_METRICS_PORT) {
    Runtime.install({
      telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.METRICS_HOST}:${config.SDK_METRICS_PORT}` } } },
    });
  }
  const metrics = createWorkerMetrics();
  const metricsServer = config.METRICS_PORT ? await serveMetrics(metrics.registry, config.METRICS_PORT, config.METRICS_HOST) : null;
  const worker = await createCycleWorker(config, { logger, metrics });
  // Worker.run() shuts down gracefully on SIGINT/SIGTERM, letting running activities finish.
  logger.info(
    { taskQueue: config.TASK_QUEUE, metricsPort: config.METRICS_PORT ?? null, sdkMetricsPort: config.SDK_METRICS_PORT ?? null },
    'cycle worker polling',
  );
  await worker.run();
  metricsServer?.close();
  logger.info('cycle worker stopped');
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
