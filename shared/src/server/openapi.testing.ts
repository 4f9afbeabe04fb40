import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { ROLES, type Role } from '../domain';
import { issueToken } from './auth';
import type { BaseServiceConfig } from './config';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { appRoutes, documentedRoutes, UNDOCUMENTED_ROUTE, type OpenApiDocument } from './openapi';
import type { ServiceDefinition } from './run';

// Checks of a service's OpenAPI document against the app it describes, for the services' unit tests:
// the app is built in-process on a database nobody listens on, so nothing is read or written.

export const OFFLINE_SECRET = 'openapi-check-signing-secret-of-32-characters';

/** The environment of a service whose database nobody serves (port 1 refuses at once). */
export const OFFLINE_ENV: NodeJS.ProcessEnv = {
  PORT: '0',
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
  DATABASE_MIGRATION_URL: 'postgres://nobody@127.0.0.1:1/none',
  LOG_LEVEL: 'silent',
  AUTH_JWT_SECRET: OFFLINE_SECRET,
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  PAYLOAD_KEY: Buffer.alloc(32, 7).toString('base64'),
  REGISTER_KEY: Buffer.alloc(32, 9).toString('base64'),
};

/** Builds a service's express app as it boots, on a database that refuses every connection. */
export function offlineApp<C extends BaseServiceConfig>(def: ServiceDefinition<any, C>): { app: Express; close: () => Promise<void> } {
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new Pool({ connectionString: def.config.DATABASE_URL, connectionTimeoutMillis: 2_000, max: 2 }) }),
  });
  const app = def.buildApp({ db, logger: createLogger(def.name, 'silent'), metrics: createMetrics(def.name), config: def.config });
  return { app, close: () => db.destroy() };
}

/** Routes the app registers that the document lacks, and operations the document has that no route serves. */
export function routeCoverage(app: Express, document: OpenApiDocument): { undocumented: string[]; unserved: string[] } {
  const registered = appRoutes(app).filter((r) => !UNDOCUMENTED_ROUTE.test(r));
  const documented = documentedRoutes(document);
  return {
    undocumented: registered.filter((r) => !documented.includes(r)),
    unserved: documented.filter((r) => !registered.includes(r)),
  };
}

/** Serves the app on a free port of 127.0.0.1 for the length of `use`. */
async function serving<T>(app: Express, use: (base: string) => Promise<T>): Promise<T> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What GET /openapi.json answers a caller with no token: its status, content type and body. */
export function fetchServedDocument(app: Express): Promise<{ status: number; type: string | null; body: unknown }> {
  return serving(app, async (base) => {
    const res = await fetch(`${base}/openapi.json`);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  });
}

/** Values the guards and parsers accept for each path parameter. */
const PARAMETER_VALUES: Record<string, string> = { month: '2027-02', cityCode: '620100', year: '2027', id: '1', entitlementId: '1' };

/**
 * Calls every documented operation once as each role (a city agency for the city the request
 * names) and lists where the guard's answer disagrees with `x-roles`: a role the document lets
 * through must not get 401/403, any other must. Allowed calls go on to the handler, whose
 * database refuses them.
 */
export function roleMismatches(app: Express, document: OpenApiDocument): Promise<string[]> {
  return serving(app, async (base) => {
    const mismatches: string[] = [];
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      const url = template.replace(/\{(\w+)\}/g, (_m, name: string) => PARAMETER_VALUES[name] ?? '1');
      for (const [method, op] of Object.entries(item as Record<string, { 'x-roles'?: Role[] }>)) {
        const documented = op['x-roles'];
        if (!Array.isArray(documented)) {
          mismatches.push(`${method} ${template}: no x-roles`);
          continue;
        }
        for (const role of ROLES) {
          const token = await issueToken(OFFLINE_SECRET, {
            userId: `check-${role}`,
            role,
            ...(role === 'city_agency' ? { cityCode: PARAMETER_VALUES.cityCode } : {}),
          });
          const read = method === 'get';
          const res = await fetch(`${base}${url}${read ? `?month=${PARAMETER_VALUES.month}&cityCode=${PARAMETER_VALUES.cityCode}` : ''}`, {
            method: method.toUpperCase(),
            headers: { authorization: `Bearer ${token}`, ...(read ? {} : { 'content-type': 'application/json' }) },
            body: read ? undefined : JSON.stringify({ cityCode: PARAMETER_VALUES.cityCode }),
          });
          await res.arrayBuffer();
          const refused = res.status === 401 || res.status === 403;
          const allowed = documented.includes(role);
          if (refused === allowed)
            mismatches.push(`${method} ${template} as ${role}: documented ${allowed ? 'allowed' : 'refused'}, got ${res.status}`);
        }
      }
    }
    return mismatches;
  });
}

/** Operations with a 4xx answer whose body is not the shared ErrorBody, or with no 4xx answer at all. */
export function refusalsWithoutErrorBody(document: OpenApiDocument): string[] {
  const wrong: string[] = [];
  for (const [p, item] of Object.entries(document.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, { responses?: Record<string, any> }>)) {
      const refusals = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith('4'));
      if (refusals.length === 0) wrong.push(`${method} ${p}: no 4xx answer`);
      for (const [status, response] of refusals) {
        if (response?.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ErrorBody')
          wrong.push(`${method} ${p} ${status}`);
      }
    }
  }
  return wrong;
}

/**
 * The checks every service's document passes: a valid OpenAPI 3 document (swagger-parser), served
 * without a token, every route the service registers documented and no other, every refusal in the
 * shared error body, and, where the service can answer offline, the roles each guard lets through.
 */
export function checksEveryServiceDocument(app: Express, document: OpenApiDocument, options: { roles: boolean }): void {
  it('is a valid OpenAPI 3 document', async () => {
    const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('is served at GET /openapi.json to a caller with no token', async () => {
    const served = await fetchServedDocument(app);
    expect(served).toEqual({ status: 200, type: expect.stringMatching(/^application\/json/), body: JSON.parse(JSON.stringify(document)) });
  });

  it('documents every route the service registers, and no route it does not', () => {
    expect(routeCoverage(app, document)).toEqual({ undocumented: [], unserved: [] });
  });

  it('answers every refusal with the shared error body', () => {
    expect(refusalsWithoutErrorBody(document)).toEqual([]);
  });

  if (options.roles) {
    it('lists for each operation exactly the roles its guard lets through', async () => {
      expect(await roleMismatches(app, document)).toEqual([]);
    });
  }
}
