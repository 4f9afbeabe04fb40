import { createHmac } from 'node:crypto';
import type { Express } from 'express';
import fc from 'fast-check';
import { Client as PgClient } from 'pg';
import type { z } from 'zod';
import {
  allocationRequestSchema,
  CITY_CODES,
  cityCode,
  commitBudgetSchema,
  correctBankAccountSchema,
  errorBodySchema,
  monthString,
  payBatchSchema,
  PLAN_CATEGORIES,
  preparePayoutSchema,
  payProvinceSchema,
  receiptRequestSchema,
  recordPlanSchema,
  recordReviewSchema,
  registerEmployerSchema,
  releaseCommitmentSchema,
  releaseRequestSchema,
  repayRequestSchema,
  reportContributionSchema,
  reservationRequestSchema,
  ROLES,
  setBudgetSchema,
  storeReportSchema,
  transferRequestSchema,
  type Role,
} from '@fund/shared';
import { issueToken, startService, TOKEN_AUDIENCE, TOKEN_ISSUER, type RouteAccess, type ServiceDefinition } from '@fund/shared/server';
import { holdDecisionSchema, publishStandardSchema, publishYearlyParametersSchema } from '@fund/disbursement';

/** The services the hostile-input campaign sends to. */
export type HostileService = 'collection' | 'disbursement' | 'budget';

/** One route as its service's router declares it. */
export interface RouteEntry {
  service: HostileService;
  method: string;
  path: string;
  params: string[];
  /** Null for a public route (the console, the API description). */
  access: RouteAccess | null;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle?: { stack?: Layer[] };
}

/** The routes of a built app, read from its router stack, so a route added later is covered without listing it here. */
export function routeTable(service: HostileService, app: Express): RouteEntry[] {
  const routes: RouteEntry[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const guardLayer = layer.route.stack.find((l) => typeof l.handle === 'function' && 'access' in l.handle);
        const access = guardLayer ? (guardLayer.handle as { access: RouteAccess }).access : null;
        for (const method of Object.keys(layer.route.methods)) {
          if (method === '_all') continue;
          routes.push({
            service,
            method: method.toUpperCase(),
            path: layer.route.path,
            params: [...layer.route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
            access,
          });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

/**
 * Starts a service like startService does and keeps the app it built, so its routes can be walked.
 */
export async function startWithApp<DB, C extends Parameters<typeof startService>[0]['config']>(def: ServiceDefinition<DB, C>) {
  let app: Express | null = null;
  const running = await startService({
    ...def,
    buildApp: (deps) => {
      app = def.buildApp(deps);
      return app;
    },
  });
  return { running, app: app as unknown as Express };
}

/** The body schema of each route that reads one, as the route parses it (the schema itself or one it narrows). */
export const BODY_SCHEMAS: Record<string, z.ZodType> = {
  'collection POST /employers': registerEmployerSchema,
  'collection POST /contributions': reportContributionSchema,
  'collection POST /transfers': transferRequestSchema,
  'collection POST /transfers/reversals': transferRequestSchema,
  'disbursement POST /pool/receipts': receiptRequestSchema,
  'disbursement POST /pool/reservations': reservationRequestSchema,
  'disbursement POST /pool/reservations/release': releaseRequestSchema,
  'disbursement POST /allocations': allocationRequestSchema,
  'disbursement POST /payouts/:month/province': payProvinceSchema,
  'disbursement POST /payouts/:month/:cityCode/prepare': preparePayoutSchema,
  'disbursement POST /payouts/:month/:cityCode/batches': payBatchSchema,
  'disbursement POST /payouts/:month/:cityCode/repay': repayRequestSchema,
  'disbursement PUT /beneficiaries/:id/bank-account': correctBankAccountSchema,
  'disbursement POST /holds/:entitlementId/release': holdDecisionSchema,
  'disbursement POST /holds/:entitlementId/cancel': holdDecisionSchema,
  'disbursement POST /standards': publishStandardSchema,
  'disbursement POST /yearly-parameters': publishYearlyParametersSchema,
  'budget PUT /budgets/:year/:cityCode': setBudgetSchema,
  'budget POST /plans': recordPlanSchema,
  'budget POST /reviews': recordReviewSchema,
  'budget POST /commitments': commitBudgetSchema,
  'budget POST /commitments/release': releaseCommitmentSchema,
  'budget POST /reports': storeReportSchema,
};

/** What a path parameter of each name must look like; a value outside it is refused. */
const PARAM_RULES: Record<string, (value: string) => boolean> = {
  month: (v) => monthString.safeParse(v).success,
  cityCode: (v) => cityCode.safeParse(v).success,
  year: (v) => /^\d{4}$/.test(v),
  id: (v) => /^\d{1,18}$/.test(v),
  entitlementId: (v) => /^\d{1,18}$/.test(v),
};

/** A month no other test file and no seed uses: no cycle of it exists in the namespace. */
export const QUIET_MONTH = '2039-07';
const HOME_CITY = CITY_CODES[0]!;
const OTHER_CITY = CITY_CODES[1]!;
const VALID_PARAMS: Record<string, string> = { month: QUIET_MONTH, cityCode: HOME_CITY, year: '2039', id: '1', entitlementId: '1' };

/** The callers a generated request may carry. */
export type Caller =
  | { kind: 'role'; role: Role; city?: string }
  | { kind: 'none' }
  | { kind: 'forged' | 'expired' | 'alg-none' | 'wrong-audience' | 'unknown-role' | 'agency-without-city' | 'garbage' | 'basic' };

/** Signed tokens for every caller, made once: signing per request would measure jose, not the services. */
export async function tokenBook(secret: string): Promise<(caller: Caller) => string | undefined> {
  const valid = new Map<string, string>();
  for (const role of ROLES)
    valid.set(
      role,
      await issueToken(secret, { userId: `hostile-${role}`, role, ...(role === 'city_agency' ? { cityCode: HOME_CITY } : {}) }),
    );
  valid.set(
    `city_agency:${OTHER_CITY}`,
    await issueToken(secret, { userId: 'hostile-other-city', role: 'city_agency', cityCode: OTHER_CITY }),
  );
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  // Signed by hand: a forger does not use the services' own signing code either.
  const sign = (claims: Record<string, unknown>, key = secret) => {
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'hostile-forger', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now - 7200, exp: now + 3600, ...claims })}`;
    return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
  };
  const special: Record<string, string> = {
    forged: sign({ role: 'operator' }, 'not-the-signing-secret-but-long-enough-to-sign'),
    expired: sign({ role: 'operator', exp: now - 3600 }),
    'alg-none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'hostile-forger', role: 'system', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now + 3600 })}.`,
    'wrong-audience': sign({ role: 'operator', aud: 'another-api' }),
    'unknown-role': sign({ role: 'root' }),
    'agency-without-city': sign({ role: 'city_agency' }),
    garbage: 'not.a.jwt',
  };
  return (caller) => {
    if (caller.kind === 'none') return undefined;
    if (caller.kind === 'basic') return 'Basic aG9zdGlsZTppbnB1dA==';
    if (caller.kind === 'role') return `Bearer ${valid.get(caller.city === OTHER_CITY ? `city_agency:${OTHER_CITY}` : caller.role)!}`;
    return `Bearer ${special[caller.kind]!}`;
  };
}

/** One generated request; every one is invalid in at least one way named in `why`. */
export interface HostileRequest {
  service: HostileService;
  method: string;
  route: string;
  path: string;
  caller: Caller;
  contentType?: string;
  /** The raw body text (JSON or not). */
  body?: string;
  why: string;
  /** A GET by an allowed role with a hostile query string may be answered 2xx (unknown query fields are ignored). */
  mayRead: boolean;
}

const BIG = '18446744073709551617123456789';
const LONG = 'x'.repeat(100_000);

/** Raw JSON text of a hostile scalar: wrong types, NUL bytes, 100,000 characters, numbers beyond 64 bits, bad fen, months and dates. */
const hostileScalar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'null',
    'true',
    'false',
    '0',
    '-1',
    '1.5',
    '-0.01',
    '1e308',
    '-1e308',
    BIG,
    `-${BIG}`,
    '9007199254740993',
    '2147483648',
    '""',
    '"\\u0000"',
    '"a\\u0000b"',
    JSON.stringify(LONG),
    '"-1"',
    '"1.5"',
    '"0"',
    `"${BIG}"`,
    '"1e3"',
    '"NaN"',
    '"2026-02-30"',
    '"2026-13"',
    '"2026-00"',
    '"0000-00"',
    '"2026-02-30T00:00:00Z"',
    '"2026-02"',
    `"${QUIET_MONTH}"`,
    `"${HOME_CITY}"`,
    `"${OTHER_CITY}"`,
    '"000000"',
    '"approve"',
    '"cut"',
    '"return"',
    '"hostile-key-0001"',
    '"100"',
    '"12345678901234"',
    '"\'; drop table x; --"',
    '"<script>alert(1)</script>"',
    '"\\ud800"',
    '[]',
    '{}',
    ...PLAN_CATEGORIES.map((c) => `"${c}"`),
  ),
  fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);

/** The fields the services' schemas read, so generated objects are near-valid: right names, wrong or missing values. */
const FIELDS = [
  'month',
  'cityCode',
  'amountFen',
  'idempotencyKey',
  'lines',
  'category',
  'count',
  'planVersion',
  'decision',
  'reason',
  'batchNo',
  'batchSize',
  'dueDate',
  'approvedLines',
  'bankAccount',
  'bankName',
  'name',
  'industryClass',
  'monthlyPayrollFen',
  'employerId',
  'reference',
  'transferId',
  'version',
  'step',
  'actor',
  'report',
  'cities',
  'batchKeyPrefix',
  'userId',
  'role',
  'year',
  'extra',
  '__proto__',
  'constructor',
];

const { json: hostileJson } = fc.letrec<{ json: string; object: string; array: string }>((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, hostileScalar, tie('object'), tie('array')),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), tie('json')), { maxLength: 6 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  array: fc.array(tie('json'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
}));

/** A body of JSON text: mostly near-valid objects, sometimes any JSON at all. */
const hostileBody: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant('{}'), weight: 1 },
  { arbitrary: hostileJson, weight: 4 },
  {
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...FIELDS), hostileJson), { minLength: 1, maxLength: 8 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    weight: 6,
  },
);

/** Bodies refused before any route reads them: too large, nested too deep, not JSON, or JSON in the wrong clothes. */
const transportBody = (limitBytes: number, maxDepth: number): fc.Arbitrary<{ body: string; contentType?: string; why: string }> =>
  fc.oneof(
    fc
      .integer({ min: limitBytes + 1, max: 4 * 1024 * 1024 })
      .map((size) => ({ body: `{"reason":"${'y'.repeat(size)}"}`, contentType: 'application/json', why: 'body too large' })),
    fc
      .integer({ min: maxDepth + 1, max: 5_000 })
      .map((depth) => ({ body: '['.repeat(depth) + ']'.repeat(depth), contentType: 'application/json', why: 'body nested too deep' })),
    fc.integer({ min: maxDepth + 1, max: 3_000 }).map((depth) => ({
      body: '{"lines":'.repeat(depth) + '1' + '}'.repeat(depth),
      contentType: 'application/json',
      why: 'body nested too deep',
    })),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'text/csv',
        ),
        hostileBody,
      )
      .map(([contentType, body]) => ({
        body,
        contentType,
        why: 'wrong content type',
      })),
    fc
      .constantFrom('{', '{"month":', 'nul\u0000l', '{"a":1}{"b":2}', "{'month':'2026-01'}", '"just a string"', '42', 'null', '\u0000')
      .map((body) => ({
        body,
        contentType: 'application/json',
        why: 'not a JSON object or array',
      })),
    fc.constant({ body: '{"month":"2026-01"}', contentType: 'application/json; charset=latin1', why: 'unsupported charset' }),
  );

/** Path parameter values outside the parameter's rule (non-empty, and not a dot segment the URL would fold away). */
const hostileParam = (name: string): fc.Arbitrary<string> => {
  const rule = PARAM_RULES[name] ?? (() => false);
  return fc
    .oneof(
      fc.constantFrom(
        '2026-02-30',
        '2026-13',
        '2026-00',
        '26-01',
        'province',
        'remaining',
        '-1',
        '1.5',
        '0x10',
        BIG,
        '99999999999999999999',
        '1e3',
        'NaN',
        '\u0000',
        'a\u0000b',
        LONG.slice(0, 5_000),
        "1' or '1'='1",
        '%',
        '%zz',
        '%E0%A4%A',
        '%C3%28',
        '\ud800',
        ' 620100',
        'null',
        'undefined',
        '[object Object]',
      ),
      fc.string({ minLength: 1, maxLength: 24 }),
      fc.stringMatching(/^\d{19,30}$/),
    )
    .filter((v) => v.length > 0 && v !== '.' && v !== '..' && !rule(v));
};

function encodeParam(value: string): string {
  // A lone surrogate cannot be percent-encoded: send an undecodable escape instead.
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** Percent escapes sent as they are, for the router to fail decoding them. */
const RAW_ESCAPES = new Set(['%', '%zz', '%E0%A4%A', '%C3%28']);

function fillPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:(\w+)/g, (_m, name: string) => (RAW_ESCAPES.has(params[name]!) ? params[name]! : encodeParam(params[name]!)));
}

const hostileQuery = fc
  .array(
    fc.tuple(
      fc.constantFrom('cityCode', 'limit', 'after', 'month', 'status', 'since', 'entitlementId', 'from', 'to', 'action', 'extra'),
      fc.oneof(
        fc.constantFrom(
          '-1',
          '0',
          '1.5',
          '1e30',
          BIG,
          '99999999999999999999',
          '\u0000',
          '2026-02-30',
          '2026-13',
          HOME_CITY,
          OTHER_CITY,
          LONG.slice(0, 20_000),
          '',
        ),
        fc.string({ maxLength: 12 }),
      ),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeParam(v)}`).join('&'));

/** A valid caller for a route: a role it lets through (a city agency for the home city). */
function allowedCaller(route: RouteEntry): fc.Arbitrary<Caller> {
  const roles = route.access?.roles ?? ROLES;
  return fc
    .constantFrom(...roles)
    .map((role) => (role === 'city_agency' ? { kind: 'role', role, city: HOME_CITY } : { kind: 'role', role }));
}

const optionalBody = (route: RouteEntry) => (route.method === 'GET' ? fc.constant(undefined) : fc.option(hostileBody, { nil: undefined }));

/**
 * Requests every one of which must be refused: a missing, forged, expired or `alg: none` token;
 * a role the route does not let through; a city agency acting for another city; a path parameter
 * outside its rule; a body its schema refuses; a body too large, too deep or not JSON.
 */
export function hostileRequests(routes: RouteEntry[], limits: { bodyBytes: number; depth: number }): fc.Arbitrary<HostileRequest> {
  const guarded = routes.filter((r) => r.access !== null);
  const byRoute = (make: (route: RouteEntry) => fc.Arbitrary<HostileRequest>, list: RouteEntry[]) => fc.constantFrom(...list).chain(make);
  const base = (route: RouteEntry) => ({ service: route.service, method: route.method, route: route.path });
  const validPath = (route: RouteEntry) => fillPath(route.path, Object.fromEntries(route.params.map((p) => [p, VALID_PARAMS[p] ?? '1'])));

  const badToken = byRoute(
    (route) =>
      fc
        .record({
          kind: fc.constantFrom(
            'none',
            'forged',
            'expired',
            'alg-none',
            'wrong-audience',
            'unknown-role',
            'agency-without-city',
            'garbage',
            'basic',
          ),
          body: optionalBody(route),
        })
        .map(({ kind, body }) => ({
          ...base(route),
          path: validPath(route),
          caller: { kind } as Caller,
          body,
          contentType: 'application/json',
          why: `token: ${kind}`,
          mayRead: false,
        })),
    guarded,
  );

  const wrongRole = byRoute(
    (route) => {
      const refused = ROLES.filter((r) => !route.access!.roles.includes(r));
      return fc.record({ role: fc.constantFrom(...refused), body: optionalBody(route) }).map(({ role, body }) => ({
        ...base(route),
        path: validPath(route),
        caller: (role === 'city_agency' ? { kind: 'role', role, city: HOME_CITY } : { kind: 'role', role }) as Caller,
        body,
        contentType: 'application/json',
        why: `role ${role} not allowed`,
        mayRead: false,
      }));
    },
    guarded.filter((r) => r.access!.roles.length < ROLES.length),
  );

  const otherCity = byRoute(
    (route) =>
      optionalBody(route).map((body) => ({
        ...base(route),
        path: validPath(route),
        caller: { kind: 'role', role: 'city_agency', city: OTHER_CITY } as Caller,
        body,
        contentType: 'application/json',
        why: 'city agency of another city',
        mayRead: false,
      })),
    guarded.filter((r) => r.access!.cityIn === 'params' && r.access!.roles.includes('city_agency') && r.params.includes('cityCode')),
  );

  const badParams = byRoute(
    (route) => {
      const known = route.params.filter((p) => p in PARAM_RULES);
      return fc
        .record({
          hostile: fc.subarray(known, { minLength: 1 }),
          values: fc.tuple(...known.map((p) => hostileParam(p))),
          caller: allowedCaller(route),
          body: optionalBody(route),
        })
        .map(({ hostile, values, caller, body }) => {
          const params = Object.fromEntries(route.params.map((p) => [p, VALID_PARAMS[p] ?? '1']));
          known.forEach((p, i) => {
            if (hostile.includes(p)) params[p] = values[i]!;
          });
          return {
            ...base(route),
            path: fillPath(route.path, params),
            caller,
            body,
            contentType: 'application/json',
            why: `path parameter ${hostile.join(', ')} outside its rule`,
            mayRead: false,
          };
        });
    },
    guarded.filter((r) => r.params.some((p) => p in PARAM_RULES)),
  );

  const withSchema = guarded.filter((r) => BODY_SCHEMAS[`${r.service} ${r.method} ${r.path}`]);
  const badBody = byRoute((route) => {
    const schema = BODY_SCHEMAS[`${route.service} ${route.method} ${route.path}`]!;
    return fc
      .record({ caller: allowedCaller(route), body: hostileBody.filter((text) => !schema.safeParse(JSON.parse(text)).success) })
      .map(({ caller, body }) => ({
        ...base(route),
        path: validPath(route),
        caller,
        body,
        contentType: 'application/json',
        why: 'body its schema refuses',
        mayRead: false,
      }));
  }, withSchema);

  const badTransport = byRoute(
    (route) =>
      fc.record({ caller: allowedCaller(route), t: transportBody(limits.bodyBytes, limits.depth) }).map(({ caller, t }) => ({
        ...base(route),
        path: validPath(route),
        caller,
        body: t.body,
        contentType: t.contentType,
        why: t.why,
        mayRead: false,
      })),
    guarded.filter((r) => r.method !== 'GET'),
  );

  const reads = guarded.filter((r) => r.method === 'GET');
  const badQuery = byRoute(
    (route) =>
      fc.record({ caller: allowedCaller(route), query: hostileQuery }).map(({ caller, query }) => ({
        ...base(route),
        path: `${validPath(route)}?${query}`,
        caller,
        why: 'hostile query string',
        mayRead: true,
      })),
    reads,
  );

  return fc
    .oneof(
      { arbitrary: badToken, weight: 3 },
      { arbitrary: wrongRole, weight: 3 },
      { arbitrary: otherCity, weight: 1 },
      { arbitrary: badParams, weight: 4 },
      { arbitrary: badBody, weight: 5 },
      { arbitrary: badTransport, weight: 1 },
      { arbitrary: badQuery, weight: 2 },
    )
    .map(withPicture);
}

/** fast-check prints a counterexample with this: a body of megabytes is cut. */
function withPicture(request: HostileRequest): HostileRequest {
  return Object.defineProperty(request, fc.toStringMethod, { value: () => JSON.stringify(describe(request)), enumerable: false });
}

/** What one request got back. */
export interface Answer {
  status: number | 'hang';
  errorBody: boolean;
  text: string;
}

/** Sends one generated request; no answer within `hangMs` is a hang. */
export async function send(
  urls: Record<HostileService, string>,
  tokens: (c: Caller) => string | undefined,
  request: HostileRequest,
  hangMs: number,
): Promise<Answer> {
  const authorization = tokens(request.caller);
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (request.body !== undefined && request.contentType) headers['content-type'] = request.contentType;
  try {
    const response = await fetch(`${urls[request.service]}${request.path}`, {
      method: request.method,
      headers,
      body: request.body,
      signal: AbortSignal.timeout(hangMs),
    });
    const text = await response.text();
    let errorBody = false;
    try {
      errorBody = errorBodySchema.safeParse(JSON.parse(text)).success;
    } catch {
      errorBody = false;
    }
    return { status: response.status, errorBody, text: text.slice(0, 500) };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
      return { status: 'hang', errorBody: false, text: '' };
    throw error;
  }
}

/** Whether an answer is the refusal the request deserves: a 4xx with the shared error body (a read probe may also be answered 2xx). */
export function refusedProperly(request: HostileRequest, answer: Answer): boolean {
  if (answer.status === 'hang') return false;
  if (answer.status >= 400 && answer.status < 500) return answer.errorBody;
  return request.mayRead && answer.status >= 200 && answer.status < 300;
}

/** A short picture of a request for a failure message (long bodies cut). */
export function describe(request: HostileRequest): Record<string, unknown> {
  const cut = (s: string | undefined) =>
    s === undefined ? undefined : s.length > 300 ? `${s.slice(0, 300)}... (${s.length} characters)` : s;
  return { ...request, path: cut(request.path), body: cut(request.body) };
}

/** The audit trails: they record refused attempts by design, so they are the tables allowed to grow. */
const AUDIT_TABLES = new Set(['budget.audit_events', 'disbursement.audit_events']);

/** Row count and an md5 of the ordered rows of every table of the three schemas but the audit trails, on one connection. */
export async function tableSnapshots(databaseUrl: string): Promise<{ take(): Promise<Record<string, string>>; close(): Promise<void> }> {
  const pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();
  const tables = (
    await pg.query<{ name: string }>(
      `select table_schema || '.' || table_name as name from information_schema.tables
        where table_schema in ('collection', 'budget', 'disbursement') and table_type = 'BASE TABLE' order by 1`,
    )
  ).rows
    .map((r) => r.name)
    .filter((name) => !AUDIT_TABLES.has(name));
  const query = tables
    .map(
      (name) =>
        `select '${name}' as name, count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '') as digest from ${name} t`,
    )
    .join(' union all ');
  return {
    take: async () => Object.fromEntries((await pg.query<{ name: string; digest: string }>(query)).rows.map((r) => [r.name, r.digest])),
    close: () => pg.end(),
  };
}

/** The tables whose snapshot differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).sort();
}

/** What a run of generated requests saw. */
export interface HostileStats {
  requests: number;
  byStatus: Record<string, number>;
  fiveHundreds: number;
  hangs: number;
  changedTables: string[];
}

/**
 * The property: each generated request is refused (a 4xx with the shared error body; a read probe
 * may be answered 2xx) within `hangMs`, and leaves every table but the audit trails as it was.
 */
export function refusedAndUnchanged(
  context: {
    routes: RouteEntry[];
    urls: Record<HostileService, string>;
    tokens: (c: Caller) => string | undefined;
    snapshot: () => Promise<Record<string, string>>;
    before: Record<string, string>;
    hangMs: number;
    limits: { bodyBytes: number; depth: number };
  },
  stats: HostileStats,
) {
  return fc.asyncProperty(hostileRequests(context.routes, context.limits), async (request) => {
    const answer = await send(context.urls, context.tokens, request, context.hangMs);
    stats.requests += 1;
    stats.byStatus[String(answer.status)] = (stats.byStatus[String(answer.status)] ?? 0) + 1;
    if (answer.status === 'hang') stats.hangs += 1;
    else if (answer.status >= 500) stats.fiveHundreds += 1;
    if (!refusedProperly(request, answer)) throw new Error(`answered ${answer.status}: ${answer.text}`);
    const changed = changedTables(context.before, await context.snapshot());
    if (changed.length > 0) {
      stats.changedTables = [...new Set([...stats.changedTables, ...changed])];
      throw new Error(`changed ${changed.join(', ')}`);
    }
  });
}
