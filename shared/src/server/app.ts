import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { sql, type Kysely } from 'kysely';
import { ErrorCode, type ErrorBody } from '../errors';
import { authenticate } from './auth';
import { HttpError } from './errors';
import { DEFAULT_REQUEST_LIMITS, limitJsonDepth, rateLimit, requireJsonBody, type RequestLimitsConfig } from './limits';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface AppDeps {
  logger: Logger;
  db: Kysely<any>;
  metrics: Metrics;
  /** The service's config: its request limits, and the secret a token's subject is verified with for the rate limit. */
  config?: RequestLimitsConfig & { AUTH_JWT_SECRET: string };
}

/**
 * An express app with the parts every service shares: JSON bodies within the request limits
 * (size 413, content type 415, depth 400, rate per token 429), request logs and latency,
 * /healthz, /readyz, /metrics, and one error body shape. `mount` adds the service's routes.
 */
export function createServiceApp(deps: AppDeps, mount: (app: Express) => void): Express {
  const limits = deps.config ?? DEFAULT_REQUEST_LIMITS;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(observe(deps));
  if (deps.config) app.use(identify(deps.config.AUTH_JWT_SECRET), rateLimit(limits));
  app.use(requireJsonBody());
  app.use(express.json({ limit: limits.REQUEST_BODY_LIMIT_BYTES }));
  app.use(limitJsonDepth(limits.REQUEST_JSON_MAX_DEPTH));

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
  app.use(errorHandler(deps.logger, limits.REQUEST_BODY_LIMIT_BYTES));
  return app;
}

/** The shared error body. */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * Puts a valid token's caller on `req.actor` before the body is read, for the rate limit; a
 * missing or bad token is left to the route's guard, which answers 401 (public routes need none).
 */
function identify(secret: string): RequestHandler {
  const verify = authenticate(secret);
  return (req, res, next) => {
    void verify(req, res, () => next());
  };
}

/**
 * Refusals raised by express itself rather than by a route: a body too large, in a charset or
 * encoding it cannot read, cut short or not JSON, and a path parameter whose percent-escapes do
 * not decode. Each is a 4xx with the shared body, never a 500.
 */
function transportRefusal(error: unknown, limit: number): HttpError | null {
  if (error instanceof HttpError || typeof error !== 'object' || error === null) return null;
  const { type, status } = error as { type?: unknown; status?: unknown };
  if (type === 'entity.parse.failed') return new HttpError(400, ErrorCode.ValidationFailed, 'request body is not valid JSON');
  if (type === 'entity.too.large') return new HttpError(413, ErrorCode.PayloadTooLarge, `the request body is larger than ${limit} bytes`);
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return new HttpError(415, ErrorCode.UnsupportedMediaType, 'the request body must be JSON in UTF-8, without a content encoding');
  }
  if (error instanceof URIError)
    return new HttpError(400, ErrorCode.ValidationFailed, 'the request path holds a percent-escape that does not decode');
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new HttpError(400, ErrorCode.ValidationFailed, 'the request could not be read');
  return null;
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

function errorHandler(logger: Logger, bodyLimit: number): ErrorRequestHandler {
  return (raw: unknown, _req, res, _next) => {
    const error = transportRefusal(raw, bodyLimit) ?? raw;
    if (error instanceof HttpError) {
      res.status(error.status).json(errorBody(error.code, error.message, error.details));
      return;
    }
    logger.error({ err: error }, 'unhandled error');
    res.status(500).json(errorBody(ErrorCode.Internal, 'internal error; the request may be retried'));
  };
}
