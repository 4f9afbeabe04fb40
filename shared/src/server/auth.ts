import type { Request, RequestHandler } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { actorSchema, ROLES, SYSTEM_ROLE, type Actor, type Role } from '../domain';
import { ErrorCode } from '../errors';
import { HttpError } from './errors';

export const TOKEN_ISSUER = 'provincial-fund';
export const TOKEN_AUDIENCE = 'provincial-fund-api';

const claimsSchema = z
  .object({
    sub: z.string().min(1),
    role: z.enum(ROLES),
    city: z.string().optional(),
  })
  .refine((claims) => claims.role !== 'city_agency' || claims.city !== undefined, { message: 'a city agency token must name its city' });

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Signs a token for a user (the `token issue` command and tests use it). */
export async function issueToken(secret: string, user: { userId: string; role: Role; cityCode?: string }, ttl = '12h'): Promise<string> {
  return new SignJWT({ role: user.role, ...(user.cityCode ? { city: user.cityCode } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.userId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(keyOf(secret));
}

/**
 * A short-lived `system` token for a process's own calls to the services (the cycle worker),
 * signed again when half its life has passed.
 */
export function serviceToken(secret: string, serviceName: string, ttlSeconds = 300): () => Promise<string> {
  let token: string | null = null;
  let renewAt = 0;
  return async () => {
    if (token === null || Date.now() >= renewAt) {
      renewAt = Date.now() + (ttlSeconds * 1000) / 2;
      token = await issueToken(secret, { userId: serviceName, role: SYSTEM_ROLE }, `${ttlSeconds}s`);
    }
    return token;
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

/** Verifies the bearer token and puts the caller on `req.actor`; anything else is a 401. */
export function authenticate(secret: string): RequestHandler {
  const key = keyOf(secret);
  return async (req, _res, next) => {
    if (req.actor) return next();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) return next(new HttpError(401, ErrorCode.Unauthorized, 'a bearer token is required'));
    try {
      const { payload } = await jwtVerify(match[1]!, key, { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: ['HS256'] });
      const claims = claimsSchema.parse(payload);
      req.actor = actorSchema.parse({ userId: claims.sub, role: claims.role, cityCode: claims.city, from: req.ip });
      next();
    } catch {
      next(new HttpError(401, ErrorCode.Unauthorized, 'the bearer token is invalid or expired'));
    }
  };
}

/** Where a route carries the city a city agency acts for: its path, its query string or its JSON body (`cityCode`). */
export type CityIn = 'params' | 'query' | 'body';

function cityOf(req: Request, where: CityIn): unknown {
  const source: unknown = where === 'params' ? req.params : where === 'query' ? req.query : req.body;
  return typeof source === 'object' && source !== null ? (source as Record<string, unknown>).cityCode : undefined;
}

/** Refuses a city agency acting for another city than its own; every other role passes. */
export function requireOwnCity(actor: Actor, cityCode: unknown): void {
  if (actor.role === 'city_agency' && actor.cityCode !== cityCode) {
    throw new HttpError(
      403,
      ErrorCode.Forbidden,
      `a city agency of ${actor.cityCode ?? 'no city'} may not act for ${String(cityCode ?? 'an unnamed city')}`,
    );
  }
}

/**
 * Lets only the given roles through. With `cityIn`, a city agency passes only for the city it
 * is scoped to, read from that part of the request (a request naming no city is refused).
 */
export function allow(roles: readonly Role[], cityIn?: CityIn): RequestHandler {
  return (req, _res, next) => {
    const actor = req.actor;
    if (!actor) return next(new HttpError(401, ErrorCode.Unauthorized, 'a bearer token is required'));
    if (!roles.includes(actor.role)) {
      return next(
        new HttpError(403, ErrorCode.Forbidden, `role ${actor.role} may not ${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`),
      );
    }
    try {
      if (cityIn) requireOwnCity(actor, cityOf(req, cityIn));
    } catch (error) {
      return next(error);
    }
    next();
  };
}

/** Who a route lets through, as its guard declares it. */
export interface RouteAccess {
  roles: readonly Role[];
  cityIn?: CityIn;
}

/** A guard's middleware carries its rule, so the route table can be read back (the hostile-input test walks it). */
export type GuardHandler = RequestHandler & { access: RouteAccess };

/** A route's access rule: verify the token, then let only these roles (and a city agency only for its city) through. */
export type Guard = (roles: readonly Role[], cityIn?: CityIn) => GuardHandler;

/**
 * The guard every service route declares, e.g. `router.get('/pool', access(['system', 'operator']), handler)`:
 * no token is a 401, a role the route does not list is a 403.
 */
export function guard(secret: string): Guard {
  const authn = authenticate(secret);
  return (roles, cityIn) => {
    const authz = allow(roles, cityIn);
    const handler: RequestHandler = (req, res, next) => {
      void authn(req, res, (error?: unknown) => (error ? next(error) : authz(req, res, next)));
    };
    return Object.assign(handler, { access: { roles, ...(cityIn ? { cityIn } : {}) } });
  };
}
