import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type Express } from 'express';
import type { z } from 'zod';
import { ROLES, type Role } from '../domain';
import { errorBodySchema } from '../errors';

/** One documented route: the zod schemas its handler parses with, its answers, and the roles its guard lets through. */
export type ApiOperation = RouteConfig & { 'x-roles': Role[] };

export type { ResponseConfig };

/** The shared error body as a named component of every document. */
export const errorBodyDoc = errorBodySchema.meta({
  id: 'ErrorBody',
  description:
    'Every refusal: a stable code (VALIDATION_FAILED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, IDEMPOTENCY_CONFLICT, ...), a message for people, and details (for a 400, the fields and the rule each broke).',
});

/** A JSON body of the given schema, with an example when one helps. */
export const json = (schema: z.ZodType, example?: unknown) => ({
  'application/json': example === undefined ? { schema } : { schema, example },
});

/** A 2xx answer with a JSON body. */
export function ok(description: string, schema: z.ZodType): ResponseConfig {
  return { description, content: json(schema) };
}

/** What the three refusals every guarded route can give mean; a service adds its own (404, 409, 422...). */
export const COMMON_ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED: details.issues names each field and the rule it broke',
  401: 'UNAUTHORIZED: no bearer token, or it is invalid or expired',
  403: "FORBIDDEN: the token's role (or city) may not do this",
};

/** Builds a service's `errors(400, 401, ...)`: each status answered with ErrorBody and the service's meaning of it. */
export function errorResponses(meanings: Readonly<Record<number, string>>): (...statuses: number[]) => Record<number, ResponseConfig> {
  const all = { ...COMMON_ERROR_MEANINGS, ...meanings };
  return (...statuses) =>
    Object.fromEntries(
      statuses.map((status) => {
        const description = all[status];
        if (description === undefined) throw new Error(`no meaning given for status ${status}`);
        return [status, { description, content: json(errorBodyDoc) }];
      }),
    );
}

/** The roles an operation lets through, as its guard declares them: in the description and as `x-roles`. */
export function roles(list: readonly Role[], note = ''): { 'x-roles': Role[]; description: string } {
  return { 'x-roles': [...list], description: `Roles: ${list.join(', ')}.${note ? ` ${note}` : ''}` };
}

export interface OpenApiDocumentOptions {
  title: string;
  description: string;
  tags: { name: string; description: string }[];
  operations: readonly ApiOperation[];
}

/** The OpenAPI 3.0 document of one service: its operations, the bearer JWT scheme and the shared error body. */
export function openApiDocument(options: OpenApiDocumentOptions) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `HS256 token with claims sub (user), role (${ROLES.join(', ')}) and city (for a city agency); issuer provincial-fund, audience provincial-fund-api. Issue one with \`npm run cli -- token issue --role <role> --user <name>\`. Each operation lists the roles it lets through (x-roles); any other role gets 403 FORBIDDEN.`,
  });
  for (const operation of options.operations) registry.registerPath(operation);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: options.title, version: '1.0.0', description: options.description },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: options.tags,
  });
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** GET /openapi.json: the document, public (it holds no data), readable from any origin. */
export function openApiRoutes(document: OpenApiDocument): Router {
  const body = JSON.stringify(document);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Access-Control-Allow-Origin': '*' });
    res.type('application/json').send(body);
  });
  return router;
}

/**
 * Routes every service has that are not its API: the probes and metrics of createServiceApp, the
 * document itself, and budget's pages (the docs page and the console's files).
 */
export const UNDOCUMENTED_ROUTE = /^get \/(healthz|readyz|metrics|openapi\.json|docs|console(\/.*)?)$/;

/** Every route an express app registers, as "method /path/{param}" (OpenAPI's spelling of a path). */
export function appRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths: string[] = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods as Record<string, boolean>)) {
          for (const p of paths) found.push(`${method} ${p.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as any).router.stack);
  return found;
}

/** Every operation of a document, as "method /path/{param}". */
export function documentedRoutes(document: { paths?: Record<string, object> }): string[] {
  return Object.entries(document.paths ?? {}).flatMap(([p, item]) => Object.keys(item).map((method) => `${method} ${p}`));
}

/** True when A and B are the same type; `agree<Same<A, B>>()` makes tsc fail when a documented answer and the type the handler returns part ways. */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const agree = <T extends true>(): T | undefined => undefined;
