import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { sql, type Kysely } from 'kysely';
import { ErrorCode, type ErrorBody } from '../errors';
import { HttpError } from './errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface AppDeps {
  logger: Logger;
  db: Kysely<any>;
  metrics: Metrics;
}

/**
 * An express app with the parts every service shares: JSON bodies, request logs and latency,
 * /healthz, /readyz, /metrics, and one error body shape. `mount` adds the service's routes.
 */
export function createServiceApp(deps: AppDeps, mount: (app: Express) => void): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '2mb' }));
  app.use(observe(deps));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await sql`select 1`.execute(deps.db);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json(errorBody(ErrorCode.ServiceUnavailable, 'database unreachable'));
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  mount(app);

  app.use((req, _res, next) => next(new HttpError(404, ErrorCode.NotFound, `no route ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.logger));
  return app;
}

/** The shared error body. */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function observe({ logger, metrics }: AppDeps): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (req.path !== '/healthz' && req.path !== '/metrics') {
        // Paths and bodies may carry personal data; log the route pattern only.
        logger.info({ method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
      }
    });
    next();
  };
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).json(errorBody(error.code, error.message, error.details));
      return;
    }
    if (error instanceof SyntaxError && 'body' in error) {
      res.status(400).json(errorBody(ErrorCode.ValidationFailed, 'request body is not valid JSON'));
      return;
    }
    logger.error({ err: error }, 'unhandled error');
    res.status(500).json(errorBody(ErrorCode.Internal, 'internal error; the request may be retried'));
  };
}
