import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import type { Kysely, Migration } from 'kysely';
import { ErrorCode } from '../errors';
import { errorBody } from './app';
import type { BaseServiceConfig } from './config';
import { createDb, migrateToLatest, type ServiceName } from './db';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';

export interface ServiceDefinition<DB, C extends BaseServiceConfig> {
  name: ServiceName;
  config: C;
  migrations: Record<string, Migration>;
  buildApp(deps: { db: Kysely<DB>; logger: Logger; metrics: Metrics; config: C }): Express;
  /** Runs at every start after the migrations, before seeding and serving: data steps that need the service's own keys. */
  prepare?(deps: { db: Kysely<DB>; logger: Logger; config: C }): Promise<void>;
  seed?(deps: { db: Kysely<DB>; logger: Logger; config: C }): Promise<void>;
}

/** A service that is listening; `stop` drains it. */
export interface RunningService<DB> {
  port: number;
  url: string;
  db: Kysely<DB>;
  stop(): Promise<void>;
}

/**
 * Migrates as the owner role, runs the service's start-up step, seeds when asked, listens, and on stop finishes in-flight
 * requests before closing the pool.
 */
export async function startService<DB, C extends BaseServiceConfig>(def: ServiceDefinition<DB, C>): Promise<RunningService<DB>> {
  const logger = createLogger(def.name, def.config.LOG_LEVEL);
  const applied = await migrateToLatest(def.config.DATABASE_MIGRATION_URL, def.name, def.migrations);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const db = createDb<DB>(def.config.DATABASE_URL, def.name);
  const metrics = createMetrics(def.name);
  if (def.prepare) await def.prepare({ db, logger, config: def.config });
  if (def.config.SEED_DEMO && def.seed) await def.seed({ db, logger, config: def.config });

  const app = def.buildApp({ db, logger, metrics, config: def.config });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(def.config.PORT, def.config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.on('clientError', refuseUnreadable);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : def.config.PORT;
  logger.info({ port }, `${def.name} service listening`);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down: finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), def.config.SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(timer);
      await db.destroy();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { port, url: `http://${def.config.HOST}:${port}`, db, stop };
}

/**
 * A request Node's parser refuses before express sees it (headers or URL too long, malformed
 * HTTP): answered with the shared error body too, then the connection is closed.
 */
function refuseUnreadable(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
  const body = JSON.stringify(
    errorBody(ErrorCode.ValidationFailed, status === 431 ? 'the request line or headers are too long' : 'the request is not readable HTTP'),
  );
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Entry point of a service process: start, and stop cleanly on SIGTERM or SIGINT. */
export function runServiceProcess<DB, C extends BaseServiceConfig>(load: () => ServiceDefinition<DB, C>): void {
  let def: ServiceDefinition<DB, C>;
  try {
    def = load();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  startService(def).then(
    (running) => {
      const shutdown = () => {
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    },
    (error: unknown) => {
      process.stderr.write(`${def.name} failed to start: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
