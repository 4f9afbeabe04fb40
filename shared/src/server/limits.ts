import type { RequestHandler } from 'express';
import { z } from 'zod';
import { SYSTEM_ROLE } from '../domain';
import { ErrorCode } from '../errors';
import { HttpError } from './errors';

/** The largest JSON body a service reads by default: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** How deep arrays and objects may nest in a JSON body by default. */
export const DEFAULT_JSON_MAX_DEPTH = 32;
/** Requests per second one token subject may make by default, once its burst is spent. */
export const DEFAULT_RATE_PER_SECOND = 50;
/** Requests one token subject may make at once by default. */
export const DEFAULT_RATE_BURST = 200;
/** Token subjects tracked before full buckets are forgotten: a bound on memory, not on callers. */
const MAX_TRACKED_SUBJECTS = 10_000;

/**
 * The request limits every service applies, from the environment with these defaults. The
 * `system` role (the cycle worker's own calls) is not throttled: it is one trusted process whose
 * payout day sends batches as fast as the database takes them, and a refused batch would only be
 * retried by the activity, adding load rather than shedding it.
 */
export const requestLimitsConfig = z.object({
  REQUEST_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 bytes')
    .max(64 * 1024 * 1024, 'must be at most 64 MiB')
    .default(DEFAULT_BODY_LIMIT_BYTES),
  REQUEST_JSON_MAX_DEPTH: z.coerce
    .number()
    .int()
    .min(2, 'must be at least 2')
    .max(1000, 'must be at most 1000')
    .default(DEFAULT_JSON_MAX_DEPTH),
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive('must be more than zero').max(1_000_000).default(DEFAULT_RATE_PER_SECOND),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1, 'must be at least 1').max(1_000_000).default(DEFAULT_RATE_BURST),
});
export type RequestLimitsConfig = z.infer<typeof requestLimitsConfig>;

/** The limits with their defaults, for an app built without a config (unit tests). */
export const DEFAULT_REQUEST_LIMITS: RequestLimitsConfig = requestLimitsConfig.parse({});

/**
 * How deeply a parsed JSON value nests (a scalar is 0, `[]` and `{}` are 1), counted without
 * recursion so a hostile body cannot exhaust the stack; stops counting once past `max`.
 */
export function jsonDepth(value: unknown, max = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, here]);
    }
  }
  return deepest;
}

/** A token bucket per key: `burst` at once, refilled at `perSecond`; the clock is given so tests own it. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`: 0 when granted, else the whole seconds to wait before the next one. */
  take(key: string): number {
    const at = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at };
    const tokens = Math.min(this.burst, bucket.tokens + ((at - bucket.at) / 1000) * this.perSecond);
    if (!this.buckets.has(key) && this.buckets.size >= MAX_TRACKED_SUBJECTS) this.forgetFull(at);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at });
      return 0;
    }
    this.buckets.set(key, { tokens, at });
    return Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
  }

  private forgetFull(at: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((at - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}

/**
 * 429 with Retry-After once a caller's token subject has spent its bucket. Runs after the token
 * is verified (`req.actor`): a request without a valid token is refused by its route's guard, and
 * a forged token cannot spend another caller's bucket.
 */
export function rateLimit(limits: RequestLimitsConfig, now: () => number = Date.now): RequestHandler {
  const buckets = new TokenBuckets(limits.RATE_LIMIT_PER_SECOND, limits.RATE_LIMIT_BURST, now);
  return (req, res, next) => {
    const actor = req.actor;
    if (!actor || actor.role === SYSTEM_ROLE) return next();
    const wait = buckets.take(actor.userId);
    if (wait === 0) return next();
    res.setHeader('Retry-After', String(wait));
    next(
      new HttpError(
        429,
        ErrorCode.RateLimited,
        `too many requests: at most ${limits.RATE_LIMIT_PER_SECOND} a second per token (bursts of ${limits.RATE_LIMIT_BURST}); retry after ${wait} s`,
        {
          retryAfterSeconds: wait,
        },
      ),
    );
  };
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = Number(headers['content-length'] ?? 0);
  return !Number.isFinite(length) || length > 0;
}

/** 415 for a request body that is not JSON: every route reads JSON only. */
export function requireJsonBody(): RequestHandler {
  return (req, _res, next) => {
    if (!hasBody(req.headers) || req.is(['application/json', '+json'])) return next();
    next(
      new HttpError(
        415,
        ErrorCode.UnsupportedMediaType,
        `a request body must be JSON (content-type application/json), not ${req.headers['content-type'] ?? 'untyped'}`,
      ),
    );
  };
}

/** 400 for a JSON body nested deeper than the limit, before any schema walks it. */
export function limitJsonDepth(maxDepth: number): RequestHandler {
  return (req, _res, next) => {
    if (jsonDepth(req.body, maxDepth) <= maxDepth) return next();
    next(
      new HttpError(400, ErrorCode.ValidationFailed, `invalid request: body nests deeper than ${maxDepth} levels`, {
        issues: [{ field: 'body', rule: `must not nest deeper than ${maxDepth} levels` }],
      }),
    );
  };
}
