import http from 'node:http';
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import client from 'prom-client';

/** The worker's own Prometheus registry: activity outcomes, plus Node's process metrics. */
export function createWorkerMetrics() {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: 'worker' });
  client.collectDefaultMetrics({ register: registry });
  const executions = new client.Counter({
    name: 'fund_activity_executions_total',
    help: 'Activity attempts by type and outcome (completed, failed, cancelled) and, for failures, the error type',
    labelNames: ['activity_type', 'outcome', 'error_type'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'fund_activity_duration_seconds',
    help: 'Duration of activity attempts by type and outcome',
    labelNames: ['activity_type', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [registry],
  });
  const retries = new client.Counter({
    name: 'fund_activity_retry_attempts_total',
    help: 'Activity attempts after the first (a step retrying through an outage shows here)',
    labelNames: ['activity_type'] as const,
    registers: [registry],
  });
  return { registry, executions, duration, retries };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** The failure's type: an ApplicationFailure's `type` (the service's error code), else the error's name. */
function errorType(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof Error) {
    const type = (cause as { type?: unknown }).type;
    if (typeof type === 'string' && type) return type;
    cause = cause.cause;
  }
  return error instanceof Error ? error.name : 'unknown';
}

/** Counts every activity attempt's outcome by activity type and error type, and times it. */
export function activityMetricsInterceptor(metrics: WorkerMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const activityType = ctx.info.activityType;
        if (ctx.info.attempt > 1) metrics.retries.inc({ activity_type: activityType });
        const stop = metrics.duration.startTimer({ activity_type: activityType });
        try {
          const result = await next(input);
          metrics.executions.inc({ activity_type: activityType, outcome: 'completed', error_type: '' });
          stop({ outcome: 'completed' });
          return result;
        } catch (error) {
          const outcome = error instanceof CancelledFailure || ctx.cancellationSignal.aborted ? 'cancelled' : 'failed';
          metrics.executions.inc({ activity_type: activityType, outcome, error_type: errorType(error) });
          stop({ outcome });
          throw error;
        }
      },
    },
  });
}

/** Serves the registry on GET /metrics; resolves once listening. */
export async function serveMetrics(registry: client.Registry, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
