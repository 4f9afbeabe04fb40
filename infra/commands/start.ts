import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { monthOf } from '@fund/shared';
import { SERVICE_NAMES } from '@fund/shared/server';
import { DATA_DIR } from '../paths';
import { provisionDatabase, resolvePostgres } from '../postgres';
import { authSecret, payloadKey, PORTS, registerKey, rolePassword, serviceUrl, spawnTs, waitForHttp } from '../stack';
import { findTemporalCli, portAnswers, startTemporalServer, stopChild } from '../temporal';

const DATABASE = process.env.FUND_DATABASE ?? 'provincial_fund';
// Demo time: a "day" of the month passes every 3 seconds, so a whole month runs in minutes.
const CYCLE_CLOCK = process.env.CYCLE_CLOCK ?? 'compressed:3000';

/** What to try once the stack is up: this month in the province (UTC+8) at `now`. */
export function closingHint(now: Date): string {
  const month = monthOf(now);
  return `try: npm run cli -- cycle start ${month} && npm run cli -- cycle review-demo ${month}`;
}

/**
 * `npm start`: Temporal dev server, PostgreSQL, the three services and the worker, seeded on
 * first run. Ctrl-C stops every process it started; data stays under .data/ for the next start.
 */
export async function runStack(): Promise<number> {
  const log = (line: string) => process.stdout.write(`[fund] ${line}\n`);
  const logs = path.join(DATA_DIR, 'logs');
  const children: { name: string; child: ChildProcess }[] = [];
  let stopPostgres: () => Promise<void> = async () => undefined;
  let stopping: Promise<void> | null = null;

  // One shutdown, however many signals and exits ask for it: worker first so no activity calls a
  // service that is going away, then the services together, Temporal, and PostgreSQL last.
  const stopAll = () =>
    (stopping ??= (async () => {
      log('stopping...');
      const byName = (names: string[]) => children.filter((c) => names.includes(c.name));
      await Promise.all(byName(['worker']).map(({ child }) => stopChild(child)));
      await Promise.all(byName([...SERVICE_NAMES, 'codec']).map(({ child }) => stopChild(child)));
      await Promise.all(byName(['temporal']).map(({ child }) => stopChild(child)));
      await stopPostgres();
      log('stopped');
    })());
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));

  try {
    for (const [name, port] of Object.entries(PORTS)) {
      if (await portAnswers(port)) {
        throw new Error(
          `port ${port} (${name}) is already in use: stop what holds it, or move it with ${name.replace(/([A-Z])/g, '_$1').toUpperCase()}_PORT`,
        );
      }
    }
    const cli = await findTemporalCli(log);
    const postgres = await resolvePostgres(DATA_DIR, log);
    stopPostgres = postgres.stop;
    log(`PostgreSQL: ${postgres.source}`);
    const urls = await provisionDatabase(postgres.url, DATABASE, rolePassword());

    const temporal = await startTemporalServer({
      cli,
      port: PORTS.temporal,
      uiPort: PORTS.temporalUi,
      dbFile: path.join(DATA_DIR, 'temporal', 'temporal.db'),
      logFile: path.join(logs, 'temporal.log'),
      // The UI decrypts payloads through the codec server below, for operators signed in to it.
      uiCodecEndpoint: `${serviceUrl(PORTS.codec)}/codec`,
    });
    children.push({ name: 'temporal', child: temporal.process });

    const secret = authSecret();
    const common = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', SEED_DEMO: 'true', AUTH_JWT_SECRET: secret, PAYLOAD_KEY: payloadKey() };
    for (const service of SERVICE_NAMES) {
      const child = spawnTs(
        `services/${service}/src/main.ts`,
        {
          ...common,
          PORT: String(PORTS[service]),
          DATABASE_URL: urls[service].appUrl,
          DATABASE_MIGRATION_URL: urls[service].ownerUrl,
          TEMPORAL_ADDRESS: temporal.address,
          CYCLE_CLOCK,
          ...(service === 'disbursement' ? { REGISTER_KEY: registerKey() } : {}),
        },
        path.join(logs, `${service}.log`),
      );
      children.push({ name: service, child });
    }
    for (const { name, child } of children.slice(1)) {
      await waitForHttp(`${serviceUrl(PORTS[name as keyof typeof PORTS])}/readyz`, 180_000, child);
      log(`${name} service ready`);
    }
    const worker = spawnTs(
      'workflows/src/main.ts',
      {
        ...common,
        TEMPORAL_ADDRESS: temporal.address,
        COLLECTION_URL: serviceUrl(PORTS.collection),
        BUDGET_URL: serviceUrl(PORTS.budget),
        DISBURSEMENT_URL: serviceUrl(PORTS.disbursement),
        METRICS_PORT: String(PORTS.workerMetrics),
        SDK_METRICS_PORT: String(PORTS.sdkMetrics),
      },
      path.join(logs, 'worker.log'),
    );
    children.push({ name: 'worker', child: worker });
    const codec = spawnTs(
      'workflows/src/codec-server.ts',
      {
        ...common,
        PORT: String(PORTS.codec),
        CODEC_CORS_ORIGINS: [serviceUrl(PORTS.temporalUi), `http://localhost:${PORTS.temporalUi}`].join(','),
      },
      path.join(logs, 'codec-server.log'),
    );
    children.push({ name: 'codec', child: codec });
    await waitForHttp(`${serviceUrl(PORTS.codec)}/healthz`, 60_000, codec);

    log('');
    log(`Temporal Web UI      ${temporal.uiUrl}`);
    log(`Temporal frontend    ${temporal.address}`);
    log(`collection service   ${serviceUrl(PORTS.collection)}`);
    log(`budget service       ${serviceUrl(PORTS.budget)}  (cycle API; API docs at /docs, reviewer console at /console)`);
    log(`disbursement service ${serviceUrl(PORTS.disbursement)}`);
    log(`codec server         ${serviceUrl(PORTS.codec)}/codec  (operators sign in at /codec/login to see payloads decrypted in the UI)`);
    log(
      `metrics              services at /metrics; worker ${serviceUrl(PORTS.workerMetrics)}/metrics; Temporal SDK ${serviceUrl(PORTS.sdkMetrics)}/metrics`,
    );
    log(`logs                 ${logs}`);
    log('');
    log(closingHint(new Date()));
    log('Ctrl-C stops everything.');

    await new Promise<void>((resolve) => {
      for (const { name, child } of children) {
        child.once('exit', (code) => {
          if (!stopping) log(`${name} exited unexpectedly (code ${code}); see ${logs}`);
          resolve();
        });
      }
    });
    await stopAll();
    return 1;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
