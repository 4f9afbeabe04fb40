import type { PayloadCodec } from '@temporalio/common';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { ErrorCode } from '../errors';
import { guard } from './auth';
import { errorBody } from './app';
import { HttpError } from './errors';
import type { Logger } from './logger';
import { payloadFromJson, payloadToJson, type JsonPayload } from './codec';

/** The cookie the login page sets, so the Web UI ("include cross-origin credentials") can decode. */
export const CODEC_SESSION_COOKIE = 'fund_codec_session';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Verifies operator tokens (the API's signing secret). */
  authSecret: string;
  /** Origins of the Temporal Web UI allowed to call from a browser. */
  allowedOrigins: readonly string[];
  logger: Logger;
  /** Lifetime of the login cookie. */
  sessionSeconds?: number;
}

/**
 * The codec server the Temporal Web UI and CLI call to show encrypted payloads decrypted:
 * POST <endpoint>/decode and /encode with `{ payloads: [...] }` in proto3 JSON. Only operators
 * decrypt: a bearer token with role operator (or the UI passing its user's token), or the
 * session cookie the login page sets from such a token. Every call is logged with who made it.
 */
export function createCodecServerApp(options: CodecServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const origins = new Set(options.allowedOrigins);

  // CORS for the UI's origin only; credentials allowed so the session cookie can ride along.
  app.use((req, res, next) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization, Authorization-Extras');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.status(origin && origins.has(origin) ? 204 : 403).end();
      return;
    }
    next();
  });
  app.use(express.json({ limit: '16mb' }));
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const operator = guard(options.authSecret)(['operator']);
  const operatorOnly: RequestHandler[] = [cookieToBearer, operator];

  const handle =
    (direction: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      const body = req.body as { payloads?: unknown } | undefined;
      if (!body || !Array.isArray(body.payloads)) {
        throw new HttpError(400, ErrorCode.ValidationFailed, 'body must be { "payloads": [...] } in proto3 JSON');
      }
      const payloads = (body.payloads as JsonPayload[]).map(payloadFromJson);
      let result;
      try {
        result = await options.codec[direction](payloads);
      } catch (error) {
        throw new HttpError(422, ErrorCode.ValidationFailed, `cannot ${direction}: ${(error as Error).message}`);
      }
      options.logger.info(
        {
          event: `codec_${direction}`,
          user: req.actor?.userId,
          from: req.ip,
          namespace: req.headers['x-namespace'],
          payloads: payloads.length,
        },
        `payloads ${direction}d for an operator`,
      );
      res.json({ payloads: result.map(payloadToJson) });
    };
  // The protocol looks only at the last path segment: /codec/decode, /decode and the UI's /codec//decode alike.
  for (const direction of ['encode', 'decode'] as const) {
    app.post(new RegExp(`/${direction}$`), ...operatorOnly, handle(direction));
  }

  app.get('/codec/login', (_req, res) => {
    res.type('html').send(LOGIN_PAGE);
  });
  app.post(
    '/codec/login',
    (req, _res, next) => {
      const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
      req.headers.authorization = `Bearer ${token}`;
      next();
    },
    operator,
    (req, res) => {
      const token = req.headers.authorization!.slice('Bearer '.length);
      const maxAge = options.sessionSeconds ?? 8 * 3600;
      const secure = req.secure ? '; Secure' : '';
      res.setHeader('Set-Cookie', `${CODEC_SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure}`);
      options.logger.info({ event: 'codec_login', user: req.actor?.userId, from: req.ip }, 'operator signed in to the codec server');
      res
        .type('html')
        .send(
          `<p>Signed in as ${escapeHtml(req.actor!.userId)}. In the Temporal Web UI, open the codec server settings and turn on ` +
            '"Include cross-origin credentials" (same host name as this page, e.g. 127.0.0.1 for both).</p>',
        );
    },
  );
  app.post('/codec/logout', (_req, res) => {
    res.setHeader('Set-Cookie', `${CODEC_SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    res.status(204).end();
  });

  app.use((req, _res, next) => next(new HttpError(404, ErrorCode.NotFound, `no route ${req.method} ${req.path}`)));
  app.use(codecErrors(options.logger));
  return app;
}

/** Uses the session cookie as the bearer token when the request carries no Authorization header. */
const cookieToBearer: RequestHandler = (req, _res, next) => {
  if (!req.headers.authorization) {
    const token = readCookie(req.headers.cookie, CODEC_SESSION_COOKIE);
    if (token) req.headers.authorization = `Bearer ${token}`;
  }
  next();
};

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || null;
  }
  return null;
}

function codecErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).json(errorBody(error.code, error.message));
      return;
    }
    if (error instanceof SyntaxError && 'body' in error) {
      res.status(400).json(errorBody(ErrorCode.ValidationFailed, 'request body is not valid JSON'));
      return;
    }
    logger.error({ err: error }, 'codec server error');
    res.status(500).json(errorBody(ErrorCode.Internal, 'internal error'));
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const LOGIN_PAGE = `<!doctype html>
<meta charset="utf-8"><title>Codec server: operator sign-in</title>
<h1>Codec server</h1>
<p>Paste an operator token (<code>npm run cli -- token issue --role operator --user &lt;you&gt;</code>) to let this browser's
Temporal Web UI show workflow payloads decrypted.</p>
<form method="post" action="/codec/login"><textarea name="token" rows="4" cols="80" required></textarea><br><button type="submit">Sign in</button></form>`;
