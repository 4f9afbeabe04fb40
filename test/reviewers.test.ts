import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { cityWorkflowId, hrssDecisionUpdate, sumFen, type CityStatus, type PlanLine, type Role } from '@fund/shared';
import { createLogger, createMetrics, issueToken, type ServiceName } from '@fund/shared/server';
import type { Express } from 'express';
import { budgetService, loadBudgetConfig } from '@fund/budget';
import { collectionService, loadCollectionConfig } from '@fund/collection';
import { disbursementService, loadDisbursementConfig } from '@fund/disbursement';
import { ROOT } from '@fund/infra';
import { approveEverything, expectBalancedMonth, waitFor, type CycleBody } from './drive';
import { authHeader, serviceEnv } from './harness';
import { startTestStack, TEST_SECRET, type TestStack } from './stack';

// Months used by this file only: workflow ids are business keys shared by the whole namespace.
const MATRIX_MONTH = '2027-01';
const FLOW_MONTH = '2027-10';
const OVERDUE_MONTH = '2027-11';

const LANZHOU = '620100';
const JIAYUGUAN = '620200';
const JINCHANG = '620300';

// Deadlines fall at day N x DAY_MS after a cycle starts: HRSS review is overdue 15 s in.
const DAY_MS = 1_500;

/** Who calls: one token each. "agency" is Lanzhou's city agency, "other agency" Jiayuguan's. */
const CALLERS = {
  agency: { role: 'city_agency', userId: 'matrix-agency-620100', cityCode: LANZHOU },
  'other agency': { role: 'city_agency', userId: 'matrix-agency-620200', cityCode: JIAYUGUAN },
  hrss: { role: 'hrss_reviewer', userId: 'matrix-hrss' },
  finance: { role: 'finance_reviewer', userId: 'matrix-finance' },
  province: { role: 'provincial_agency', userId: 'matrix-province' },
  operator: { role: 'operator', userId: 'matrix-operator' },
  system: { role: 'system', userId: 'matrix-worker' },
} as const satisfies Record<string, { role: Role; userId: string; cityCode?: string }>;
type Caller = keyof typeof CALLERS;
const EVERYONE = Object.keys(CALLERS) as Caller[];

/** Every person; a city agency of any city (the route filters what it shows). */
const PEOPLE: Caller[] = ['agency', 'other agency', 'hrss', 'finance', 'province', 'operator'];
/** Every person, a city agency only for its own city. */
const PEOPLE_OWN_CITY: Caller[] = ['agency', 'hrss', 'finance', 'province', 'operator'];
const REVIEWERS_AND_PROVINCE: Caller[] = ['hrss', 'finance', 'province', 'operator'];

interface Answer {
  status: number;
  body: any;
}

async function call(baseUrl: string, method: string, url: string, caller: Caller | null, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller) Object.assign(headers, await authHeader(CALLERS[caller].role, CALLERS[caller]));
  const response = await fetch(`${baseUrl}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** The routes an app declares, as "METHOD /pattern". */
function routesOf(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as any).router.stack);
  return out;
}

/** Open without a token: probes, metrics, and the reviewer console and API docs (pages that hold no data). */
const PUBLIC_ROUTES = /^GET \/(healthz|readyz|metrics|console(\/.*)?|docs|openapi\.json)$/;

/** Runs `npm run cli -- <args>` against this file's budget service. */
function cli(stack: TestStack, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'infra/bootstrap.js'), 'cli', ...args], {
      cwd: ROOT,
      env: { ...process.env, BUDGET_URL: stack.budget.url, AUTH_JWT_SECRET: TEST_SECRET },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const cityIn = (view: CycleBody, code: string): CityStatus | undefined => view.cities.find((c) => c.cityCode === code);

describe('reviewers: roles on every endpoint, decisions as Updates, deadlines, and the audit trail', () => {
  let stack: TestStack;
  let webhook: http.Server;
  const notices: Record<string, unknown>[] = [];

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        notices.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const port = (webhook.address() as AddressInfo).port;
    stack = await startTestStack({ dayMs: DAY_MS, overdueWebhookUrl: `http://127.0.0.1:${port}/overdue` });
  });
  afterAll(async () => {
    await stack.stop();
    await new Promise((resolve) => webhook.close(resolve));
  });

  const decide = (step: string, month: string, city: string, role: Role, user: { userId: string; cityCode?: string }, body: unknown) =>
    stack.api('POST', `/cycles/${month}/cities/${city}/${step}`, role, body, user);

  describe('every role against every endpoint', () => {
    const base = (service: ServiceName) =>
      ({ collection: stack.collection.url, budget: stack.budget.url, disbursement: stack.disbursement.url })[service];
    let employerId: string;
    let beneficiaryId: string;
    let snapshotSql: string;

    /** Every table of the three schemas (the audit trail aside, where refusals are meant to land), row by row. */
    const snapshot = async () => stack.sql(snapshotSql);
    const auditRows = async () => Number((await stack.sql<{ n: string }>('select count(*)::text as n from budget.audit_events'))[0]!.n);

    beforeAll(async () => {
      // A month waiting at the plan stage: nothing moves in the background while the matrix runs.
      expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: MATRIX_MONTH })).status).toBe(201);
      await waitFor(stack, MATRIX_MONTH, (v) => v.cities.length === 14 && v.cities.every((c) => c.stage === 'plan' && c.draft !== null));
      const tables = await stack.sql<{ schema: string; name: string }>(
        `select table_schema as schema, table_name as name from information_schema.tables
         where table_schema in ('collection', 'budget', 'disbursement') and table_type = 'BASE TABLE'
           and not (table_schema = 'budget' and table_name = 'audit_events')
         order by 1, 2`,
      );
      // Ordered: a UNION ALL comes back in any order (PostgreSQL 18 may run its branches in parallel).
      snapshotSql = `select * from (${tables
        .map(
          (t) =>
            `select '${t.schema}.${t.name}' as t, count(*)::int as n, md5(coalesce(string_agg(x::text, ',' order by x::text), '')) as h from ${t.schema}."${t.name}" x`,
        )
        .join(' union all ')}) tables order by t`;
      employerId = (
        await stack.sql<{ id: string }>(`select id::text from collection.employers where city_code = '${LANZHOU}' order by id limit 1`)
      )[0]!.id;
      beneficiaryId = (
        await stack.sql<{ id: string }>(
          `select id::text from disbursement.beneficiaries where city_code = '${LANZHOU}' order by id limit 1`,
        )
      )[0]!.id;
    });

    const M = MATRIX_MONTH;
    const lines = [{ category: 'medical', count: 1, amountFen: '1000' }];
    /**
     * The matrix. `ok` is what an allowed caller gets: a real success where that is harmless, a 400
     * from the edge (past the guard) where succeeding would move money under the cycles of this file.
     */
    const ENDPOINTS: {
      service: ServiceName;
      route: string;
      url?: () => string;
      body?: unknown;
      allow: Caller[];
      ok: number;
      decision?: boolean;
    }[] = [
      { service: 'budget', route: 'POST /cycles', body: { month: M }, allow: ['province', 'operator'], ok: 200 },
      { service: 'budget', route: 'GET /cycles/:month', url: () => `/cycles/${M}`, allow: PEOPLE, ok: 200 },
      {
        service: 'budget',
        route: 'POST /cycles/:month/cities/:cityCode/plan',
        url: () => `/cycles/${M}/cities/${LANZHOU}/plan`,
        body: {},
        allow: ['agency'],
        ok: 400,
        decision: true,
      },
      {
        service: 'budget',
        route: 'POST /cycles/:month/cities/:cityCode/hrss-decision',
        url: () => `/cycles/${M}/cities/${LANZHOU}/hrss-decision`,
        body: {},
        allow: ['hrss'],
        ok: 400,
        decision: true,
      },
      {
        service: 'budget',
        route: 'POST /cycles/:month/cities/:cityCode/finance-decision',
        url: () => `/cycles/${M}/cities/${LANZHOU}/finance-decision`,
        body: {},
        allow: ['finance'],
        ok: 400,
        decision: true,
      },
      {
        service: 'budget',
        route: 'POST /cycles/:month/cities/:cityCode/repay',
        url: () => `/cycles/${M}/cities/${LANZHOU}/repay`,
        body: {},
        allow: ['agency', 'province', 'operator'],
        ok: 422,
        decision: true,
      },
      { service: 'budget', route: 'GET /audit', url: () => `/audit?month=${M}`, allow: ['hrss', 'finance', 'operator'], ok: 200 },
      { service: 'budget', route: 'GET /audit/verify', allow: ['operator'], ok: 200 },
      {
        service: 'budget',
        route: 'PUT /budgets/:year/:cityCode',
        url: () => `/budgets/2030/${LANZHOU}`,
        body: { lines: [{ category: 'medical', amountFen: '1000000' }] },
        allow: ['province'],
        ok: 200,
      },
      {
        service: 'budget',
        route: 'GET /budgets/remaining/:month/:cityCode',
        url: () => `/budgets/remaining/${M}/${LANZHOU}`,
        allow: ['system', ...PEOPLE_OWN_CITY],
        ok: 200,
      },
      { service: 'budget', route: 'GET /budgets/:year/:cityCode', url: () => `/budgets/2027/${LANZHOU}`, allow: PEOPLE_OWN_CITY, ok: 200 },
      {
        service: 'budget',
        route: 'POST /commitments',
        body: { month: '2030-01', cityCode: LANZHOU, lines, idempotencyKey: 'matrix:commit' },
        allow: ['system'],
        ok: 201,
      },
      {
        service: 'budget',
        route: 'POST /commitments/release',
        body: { month: '2030-01', cityCode: LANZHOU, idempotencyKey: 'matrix:release' },
        allow: ['system'],
        ok: 200,
      },
      {
        service: 'budget',
        route: 'POST /plans',
        body: {
          month: '2030-01',
          cityCode: LANZHOU,
          version: 1,
          lines,
          actor: { userId: 'agency-x', role: 'city_agency', cityCode: LANZHOU },
          idempotencyKey: 'matrix:plan',
        },
        allow: ['system'],
        ok: 201,
      },
      { service: 'budget', route: 'GET /plans', url: () => `/plans?month=${M}`, allow: REVIEWERS_AND_PROVINCE, ok: 200 },
      { service: 'budget', route: 'GET /plans/:month/:cityCode', url: () => `/plans/2030-01/${LANZHOU}`, allow: PEOPLE_OWN_CITY, ok: 200 },
      { service: 'budget', route: 'GET /history/:cityCode', url: () => `/history/${LANZHOU}`, allow: PEOPLE_OWN_CITY, ok: 200 },
      {
        service: 'budget',
        route: 'POST /reviews',
        body: {
          month: '2030-01',
          cityCode: LANZHOU,
          version: 1,
          step: 'hrss_review',
          decision: 'return',
          reason: 'matrix',
          approvedLines: null,
          actor: { userId: 'hrss-x', role: 'hrss_reviewer' },
          idempotencyKey: 'matrix:review',
        },
        allow: ['system'],
        ok: 201,
      },
      { service: 'budget', route: 'POST /reports', body: { month: '2030-01', report: { balanced: true } }, allow: ['system'], ok: 201 },
      { service: 'budget', route: 'GET /reports/:month', url: () => '/reports/2030-01', allow: REVIEWERS_AND_PROVINCE, ok: 200 },

      {
        service: 'collection',
        route: 'POST /employers',
        body: { cityCode: LANZHOU, name: 'Matrix Works', industryClass: 2, monthlyPayrollFen: '1000000' },
        allow: ['agency', 'province'],
        ok: 201,
      },
      {
        service: 'collection',
        route: 'GET /employers',
        url: () => `/employers?cityCode=${LANZHOU}&limit=5`,
        allow: ['agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'collection',
        route: 'GET /employers/:id',
        url: () => `/employers/${employerId}`,
        allow: ['agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'collection',
        route: 'GET /employers/:id/dues',
        url: () => `/employers/${employerId}/dues`,
        allow: ['system', 'agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'collection',
        route: 'GET /employers/:id/grades',
        url: () => `/employers/${employerId}/grades`,
        allow: ['agency', 'province', 'operator', 'system'],
        ok: 200,
      },
      {
        service: 'collection',
        route: 'POST /employers/:id/grades',
        url: () => `/employers/${employerId}/grades`,
        body: {},
        allow: ['province', 'system'],
        ok: 400,
      },
      {
        service: 'collection',
        route: 'POST /payroll-declarations',
        body: () => ({ employerId, month: '2030-01', payrollFen: '1000000', reference: 'MATRIX-DECL-1' }),
        allow: ['province'],
        ok: 201,
      },
      {
        service: 'collection',
        route: 'GET /income-accounts/:cityCode/:month',
        url: () => `/income-accounts/${LANZHOU}/${M}`,
        allow: ['system', 'agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'collection',
        route: 'POST /contributions',
        body: () => ({ employerId, month: '2030-01', amountFen: '100', reference: 'MATRIX-1' }),
        allow: ['province'],
        ok: 201,
      },
      { service: 'collection', route: 'GET /rates/versions', allow: EVERYONE, ok: 200 },
      { service: 'collection', route: 'POST /rates/versions', body: {}, allow: ['province'], ok: 400 },
      {
        service: 'collection',
        route: 'PUT /rates/versions/:effectiveFrom',
        url: () => '/rates/versions/2030-01-01',
        body: {},
        allow: ['province'],
        ok: 400,
      },
      { service: 'collection', route: 'POST /transfers', body: {}, allow: ['system'], ok: 400 },
      { service: 'collection', route: 'POST /transfers/reversals', body: {}, allow: ['system'], ok: 400 },
      {
        service: 'collection',
        route: 'GET /reconciliation/:month/:cityCode',
        url: () => `/reconciliation/${M}/${LANZHOU}`,
        allow: ['system', 'province', 'operator'],
        ok: 200,
      },

      { service: 'disbursement', route: 'POST /pool/receipts', body: {}, allow: ['system'], ok: 400 },
      { service: 'disbursement', route: 'GET /pool', allow: ['system', 'finance', 'province', 'operator'], ok: 200 },
      { service: 'disbursement', route: 'POST /pool/reservations', body: {}, allow: ['system'], ok: 400 },
      { service: 'disbursement', route: 'POST /pool/reservations/release', body: {}, allow: ['system'], ok: 400 },
      { service: 'disbursement', route: 'POST /allocations', body: {}, allow: ['system'], ok: 400 },
      {
        service: 'disbursement',
        route: 'GET /beneficiaries',
        url: () => `/beneficiaries?cityCode=${LANZHOU}&limit=5`,
        allow: ['agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'disbursement',
        route: 'GET /beneficiaries/:id',
        url: () => `/beneficiaries/${beneficiaryId}`,
        allow: ['agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'disbursement',
        route: 'PUT /beneficiaries/:id/bank-account',
        url: () => `/beneficiaries/${beneficiaryId}/bank-account`,
        body: {},
        allow: ['agency', 'province', 'operator'],
        ok: 400,
      },
      {
        service: 'disbursement',
        route: 'GET /drafts/:month/:cityCode',
        url: () => `/drafts/${M}/${LANZHOU}`,
        allow: ['system', 'agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'disbursement',
        route: 'POST /payouts/:month/:cityCode/prepare',
        url: () => `/payouts/${M}/${LANZHOU}/prepare`,
        body: {},
        allow: ['system'],
        ok: 400,
      },
      {
        service: 'disbursement',
        route: 'POST /payouts/:month/:cityCode/batches',
        url: () => `/payouts/${M}/${LANZHOU}/batches`,
        body: {},
        allow: ['system'],
        ok: 400,
      },
      {
        service: 'disbursement',
        route: 'POST /payouts/:month/:cityCode/repay',
        url: () => `/payouts/${M}/${LANZHOU}/repay`,
        body: {},
        allow: ['system'],
        ok: 400,
      },
      {
        service: 'disbursement',
        route: 'GET /payouts/:month/:cityCode',
        url: () => `/payouts/${M}/${LANZHOU}`,
        allow: ['system', 'agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'disbursement',
        route: 'GET /payments',
        url: () => `/payments?month=${M}&cityCode=${LANZHOU}`,
        allow: ['agency', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'disbursement',
        route: 'GET /reconciliation/:month/:cityCode',
        url: () => `/reconciliation/${M}/${LANZHOU}`,
        allow: ['system', 'province', 'operator'],
        ok: 200,
      },
      {
        service: 'disbursement',
        route: 'GET /reconciliation/:month',
        url: () => `/reconciliation/${M}`,
        allow: ['system', 'province', 'operator'],
        ok: 200,
      },
    ];

    it('requires a signed token on every route a service declares; only probes, metrics, the console and the docs are open', async () => {
      const deps = { logger: createLogger('routes', 'silent'), metrics: createMetrics('routes') };
      const collectionConfig = loadCollectionConfig(serviceEnv(stack.urls.collection));
      const budgetConfig = loadBudgetConfig(serviceEnv(stack.urls.budget));
      const disbursementConfig = loadDisbursementConfig(serviceEnv(stack.urls.disbursement));
      const declared: Record<ServiceName, string[]> = {
        collection: routesOf(collectionService(collectionConfig).buildApp({ ...deps, db: stack.collection.db, config: collectionConfig })),
        budget: routesOf(budgetService(budgetConfig).buildApp({ ...deps, db: stack.budget.db, config: budgetConfig })),
        disbursement: routesOf(
          disbursementService(disbursementConfig).buildApp({ ...deps, db: stack.disbursement.db, config: disbursementConfig }),
        ),
      };
      const sample: Record<string, string> = { month: M, cityCode: LANZHOU, year: '2027' };
      for (const service of Object.keys(declared) as ServiceName[]) {
        const guarded = declared[service].filter((r) => !PUBLIC_ROUTES.test(r));
        // The matrix below names real routes only.
        expect(ENDPOINTS.filter((e) => e.service === service && !guarded.includes(e.route)).map((e) => e.route)).toEqual([]);
        for (const route of guarded) {
          const [method, pattern] = route.split(' ') as [string, string];
          const answer = await call(
            base(service),
            method,
            pattern.replace(/:(\w+)/g, (_, name: string) => sample[name] ?? '1'),
            null,
            method === 'GET' ? undefined : {},
          );
          expect({ service, route, status: answer.status, code: answer.body?.error?.code }).toEqual({
            service,
            route,
            status: 401,
            code: 'UNAUTHORIZED',
          });
        }
      }
    });

    it.each(ENDPOINTS.map((e) => [`${e.service} ${e.route}`, e] as const))(
      '%s: the allowed roles get through, every other caller gets 403 and changes nothing',
      async (_name, endpoint) => {
        const [method, pattern] = endpoint.route.split(' ') as [string, string];
        const url = endpoint.url ? endpoint.url() : pattern;
        const body = typeof endpoint.body === 'function' ? (endpoint.body as () => unknown)() : endpoint.body;
        const send = (caller: Caller | null) => call(base(endpoint.service), method, url, caller, body);

        const before = await snapshot();
        const auditBefore = await auditRows();
        const noToken = await send(null);
        expect({ caller: 'nobody', status: noToken.status, body: noToken.body }).toEqual({
          caller: 'nobody',
          status: 401,
          body: { error: { code: 'UNAUTHORIZED', message: 'a bearer token is required' } },
        });
        const refused = EVERYONE.filter((c) => !endpoint.allow.includes(c));
        for (const caller of refused) {
          const answer = await send(caller);
          expect({ caller, status: answer.status, body: answer.body }).toEqual({
            caller,
            status: 403,
            body: { error: { code: 'FORBIDDEN', message: expect.stringMatching(/ may not /) } },
          });
        }
        expect(await snapshot()).toEqual(before);
        // A refused decision attempt is itself recorded; nothing else is.
        expect(await auditRows()).toBe(auditBefore + (endpoint.decision ? refused.length : 0));

        for (const caller of endpoint.allow) {
          const answer = await send(caller);
          expect({ caller, status: answer.status }).toEqual({ caller, status: endpoint.ok });
        }
      },
    );

    it('shows a city agency only its own city, and refuses tokens that are forged, expired or unscoped', async () => {
      const own = await call(stack.budget.url, 'GET', `/cycles/${M}`, 'agency');
      expect(own.body.cities.map((c: CityStatus) => c.cityCode)).toEqual([LANZHOU]);
      expect((await call(stack.budget.url, 'GET', `/plans/${M}/${JIAYUGUAN}`, 'agency')).status).toBe(403);
      expect((await call(stack.budget.url, 'POST', `/cycles/${M}/cities/${JIAYUGUAN}/plan`, 'agency', { lines })).status).toBe(403);

      const withToken = async (token: string) =>
        (await fetch(`${stack.budget.url}/cycles/${M}`, { headers: { authorization: `Bearer ${token}` } })).status;
      expect(await withToken(await issueToken('another-secret-of-at-least-32-characters!', { userId: 'mallory', role: 'operator' }))).toBe(
        401,
      );
      expect(await withToken(await issueToken(TEST_SECRET, { userId: 'late', role: 'operator' }, '-1m'))).toBe(401);
      expect(await withToken(await issueToken(TEST_SECRET, { userId: 'nowhere', role: 'city_agency' }))).toBe(401);
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'operator' })).toString('base64url')}.`;
      expect(await withToken(unsigned)).toBe(401);
    });
  });

  it('refuses each invalid decision before it enters history, naming the rule; a returned plan is revised, resubmitted and approved while the other cities go on; the month closes balanced', async () => {
    const M = FLOW_MONTH;
    const agency = { userId: 'agency-lz', cityCode: LANZHOU };
    const plan = (lines: PlanLine[]) => decide('plan', M, LANZHOU, 'city_agency', agency, { lines });
    const hrss = (userId: string, body: Record<string, unknown>) => decide('hrss-decision', M, LANZHOU, 'hrss_reviewer', { userId }, body);
    const finance = (userId: string, body: Record<string, unknown>) =>
      decide('finance-decision', M, LANZHOU, 'finance_reviewer', { userId }, body);
    const refusedWith = (answer: { status: number; body: any }, status: number, rule: RegExp) =>
      expect({ status: answer.status, code: answer.body.error?.code, message: answer.body.error?.message }).toEqual({
        status,
        code: status === 403 ? 'FORBIDDEN' : 'INVALID_DECISION',
        message: expect.stringMatching(rule),
      });
    const lanzhouAt = (stage: string) => waitFor(stack, M, (v) => cityIn(v, LANZHOU)?.stage === stage);
    const handle = stack.client.workflow.getHandle(cityWorkflowId(M, LANZHOU));
    const acceptedUpdates = async () =>
      ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;

    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: M })).status).toBe(201);
    // The other 13 cities are played as usual, concurrently; Lanzhou is driven by hand below.
    const others = approveEverything(stack, M, (c) => c.cityCode !== LANZHOU);
    const draft = cityIn(
      await waitFor(stack, M, (v) => cityIn(v, LANZHOU)?.stage === 'plan' && !!cityIn(v, LANZHOU)?.draft),
      LANZHOU,
    )!.draft!;

    refusedWith(
      await decide('plan', M, JIAYUGUAN, 'city_agency', agency, { lines: draft }),
      403,
      /city agency of 620100 may not act for 620200/,
    );
    expect((await plan(draft)).status).toBe(200);
    await lanzhouAt('hrss_review');

    // At HRSS review: wrong stage, wrong role, empty reason, the submitter approving, a version that does not exist.
    refusedWith(
      await finance('fin-a', { planVersion: 1, decision: 'approve' }),
      422,
      /the plan of 620100 is at stage hrss_review, not finance_review/,
    );
    refusedWith(
      await decide('hrss-decision', M, LANZHOU, 'finance_reviewer', { userId: 'fin-a' }, { planVersion: 1, decision: 'approve' }),
      403,
      /role finance_reviewer may not POST/,
    );
    refusedWith(await hrss('hrss-a', { planVersion: 1, decision: 'return', reason: '   ' }), 422, /a reason is required to return a plan/);
    refusedWith(
      await hrss('agency-lz', { planVersion: 1, decision: 'approve' }),
      422,
      /separation of duties: the submitter of a plan cannot approve it/,
    );
    refusedWith(
      await hrss('hrss-a', { planVersion: 2, decision: 'approve' }),
      422,
      /plan version 2 does not exist; the current version is 1/,
    );
    // The workflow's own validator refuses a wrong role even from a caller that skipped the API.
    for (const actor of [
      { userId: 'fin-a', role: 'finance_reviewer' as const },
      { userId: 'cycle-worker', role: 'system' as const },
    ]) {
      const direct = handle.executeUpdate(hrssDecisionUpdate, { args: [{ actor, planVersion: 1, decision: 'approve' }] });
      await expect(direct).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(direct).rejects.toMatchObject({ cause: { message: `only a hrss_reviewer may do this (caller is ${actor.role})` } });
    }
    expect(await acceptedUpdates()).toBe(1); // only the submission entered history

    // HRSS returns v1; the city revises while the other cities go on.
    expect((await hrss('hrss-a', { planVersion: 1, decision: 'return', reason: 'medical settlements above the register' })).status).toBe(
      200,
    );
    const meanwhile = await waitFor(stack, M, (v) =>
      v.cities.some((c) => c.cityCode !== LANZHOU && ['allocation', 'payout', 'reconciliation', 'closed'].includes(c.stage)),
    );
    expect(cityIn(meanwhile, LANZHOU)).toMatchObject({
      stage: 'plan',
      plan: { version: 1, status: 'returned', returnReason: 'medical settlements above the register' },
    });
    refusedWith(
      await hrss('hrss-b', { planVersion: 1, decision: 'approve' }),
      422,
      /plan version 1 was already decided at HRSS review \(return by hrss-a\)/,
    );

    const big = draft.reduce((a, b) => (BigInt(b.amountFen) > BigInt(a.amountFen) ? b : a));
    const revised = draft.map((l) => (l.category === big.category ? { ...l, amountFen: (BigInt(l.amountFen) - 10_000n).toString() } : l));
    expect((await plan(revised)).body.plan).toMatchObject({ version: 2, status: 'submitted' });
    await lanzhouAt('hrss_review');
    refusedWith(await hrss('hrss-a', { planVersion: 1, decision: 'approve' }), 422, /plan version 1 is stale; the current version is 2/);
    expect((await hrss('hrss-a', { planVersion: 2, decision: 'approve' })).status).toBe(200);
    await lanzhouAt('finance_review');

    // At finance review: a decided version, the HRSS approver, a raised amount, missing reasons.
    refusedWith(
      await hrss('hrss-b', { planVersion: 2, decision: 'approve' }),
      422,
      /plan version 2 was already decided at HRSS review \(approve by hrss-a\)/,
    );
    refusedWith(
      await finance('hrss-a', { planVersion: 2, decision: 'approve' }),
      422,
      /separation of duties: the HRSS approver of a plan cannot also do its finance review/,
    );
    const raised = revised.map((l) => (l.category === big.category ? { ...l, amountFen: (BigInt(l.amountFen) + 1n).toString() } : l));
    refusedWith(
      await finance('fin-a', { planVersion: 2, decision: 'cut', reason: 'more', lines: raised }),
      422,
      new RegExp(`a cut cannot raise ${big.category} above the submitted`),
    );
    const cut = revised.map((l) => (l.category === big.category ? { ...l, amountFen: (BigInt(l.amountFen) - 5_000n).toString() } : l));
    refusedWith(
      await finance('fin-a', { planVersion: 2, decision: 'cut', reason: '', lines: cut }),
      422,
      /a reason is required to cut a plan/,
    );
    refusedWith(await finance('fin-a', { planVersion: 2, decision: 'return' }), 422, /a reason is required to return a plan/);

    // Finance returns v2 too; v3 goes round again and finance approves it with a cut.
    expect((await finance('fin-a', { planVersion: 2, decision: 'return', reason: 'await the medical audit' })).status).toBe(200);
    await lanzhouAt('plan');
    expect((await plan(revised)).body.plan).toMatchObject({ version: 3 });
    await lanzhouAt('hrss_review');
    expect((await hrss('hrss-b', { planVersion: 3, decision: 'approve' })).status).toBe(200);
    await lanzhouAt('finance_review');
    const approved = await finance('fin-a', { planVersion: 3, decision: 'cut', reason: 'one settlement deferred', lines: cut });
    expect(approved.status).toBe(200);
    expect(approved.body.plan).toMatchObject({ version: 3, status: 'approved', approvedLines: cut });

    await others;
    const closed = await waitFor(stack, M, (v) => v.status === 'closed', 150_000);
    await expectBalancedMonth(stack, closed);
    expect(closed.reconciliation.cities.find((c: { cityCode: string }) => c.cityCode === LANZHOU).approvedFen).toBe(
      sumFen(cut.map((l) => l.amountFen)).toString(),
    );
    expect(cityIn(closed, LANZHOU)!.decisions.map((d) => [d.planVersion, d.step, d.decision, d.userId])).toEqual([
      [1, 'submission', 'submit', 'agency-lz'],
      [1, 'hrss_review', 'return', 'hrss-a'],
      [2, 'submission', 'submit', 'agency-lz'],
      [2, 'hrss_review', 'approve', 'hrss-a'],
      [2, 'finance_review', 'return', 'fin-a'],
      [3, 'submission', 'submit', 'agency-lz'],
      [3, 'hrss_review', 'approve', 'hrss-b'],
      [3, 'finance_review', 'cut', 'fin-a'],
    ]);
    expect(await acceptedUpdates()).toBe(8); // every refusal stayed out of history
  });

  it('records every decision and every refused attempt with who, role, what, when, from where and the plan version', async () => {
    const { status, body } = await stack.api('GET', `/audit?month=${FLOW_MONTH}&cityCode=${LANZHOU}`, 'hrss_reviewer');
    expect(status).toBe(200);
    const events: any[] = body.events;
    expect(events.filter((e) => e.outcome === 'accepted').map((e) => [e.action, e.decision, e.planVersion, e.userId, e.role])).toEqual([
      ['submit_plan', 'submit', 1, 'agency-lz', 'city_agency'],
      ['hrss_decision', 'return', 1, 'hrss-a', 'hrss_reviewer'],
      ['submit_plan', 'submit', 2, 'agency-lz', 'city_agency'],
      ['hrss_decision', 'approve', 2, 'hrss-a', 'hrss_reviewer'],
      ['finance_decision', 'return', 2, 'fin-a', 'finance_reviewer'],
      ['submit_plan', 'submit', 3, 'agency-lz', 'city_agency'],
      ['hrss_decision', 'approve', 3, 'hrss-b', 'hrss_reviewer'],
      ['finance_decision', 'cut', 3, 'fin-a', 'finance_reviewer'],
    ]);
    expect(events.find((e) => e.decision === 'cut' && e.outcome === 'accepted')).toMatchObject({
      detail: { reason: 'one settlement deferred', lines: expect.any(Array) },
    });
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'hrss_decision',
          outcome: 'refused',
          userId: 'agency-lz',
          role: 'hrss_reviewer',
          planVersion: 1,
          rule: 'separation of duties: the submitter of a plan cannot approve it',
          detail: { status: 422, code: 'INVALID_DECISION' },
        }),
        expect.objectContaining({
          action: 'finance_decision',
          outcome: 'refused',
          userId: 'hrss-a',
          role: 'finance_reviewer',
          planVersion: 2,
          rule: 'separation of duties: the HRSS approver of a plan cannot also do its finance review',
        }),
        expect.objectContaining({
          action: 'hrss_decision',
          outcome: 'refused',
          userId: 'fin-a',
          role: 'finance_reviewer',
          planVersion: 1,
          rule: expect.stringMatching(/role finance_reviewer may not POST/),
          detail: { status: 403, code: 'FORBIDDEN' },
        }),
        expect.objectContaining({
          action: 'finance_decision',
          outcome: 'refused',
          planVersion: 2,
          rule: expect.stringMatching(/a cut cannot raise/),
        }),
        expect.objectContaining({
          action: 'hrss_decision',
          outcome: 'refused',
          planVersion: 1,
          rule: 'plan version 1 is stale; the current version is 2',
        }),
      ]),
    );
    for (const e of events) {
      expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(e.from).toMatch(/127\.0\.0\.1/);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    // The attempt on another city's plan is filed under that city.
    const other = await stack.api('GET', `/audit?month=${FLOW_MONTH}&cityCode=${JIAYUGUAN}`, 'operator');
    expect(other.body.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: 'agency-lz', role: 'city_agency', outcome: 'refused', action: 'submit_plan' }),
      ]),
    );
  });

  it('marks a city overdue when the HRSS deadline passes (search attribute, query, webhook) and keeps waiting', async () => {
    const M = OVERDUE_MONTH;
    const query = (stage: string) => `CycleMonth = '${M}' AND Overdue = true AND CycleStage = '${stage}'`;
    const list = async (q: string) => {
      const ids: string[] = [];
      for await (const w of stack.client.workflow.list({ query: q })) ids.push(w.workflowId);
      return ids.sort();
    };
    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: M })).status).toBe(201);
    const ready = await waitFor(stack, M, (v) => !!cityIn(v, JINCHANG)?.draft && cityIn(v, JINCHANG)?.stage === 'plan');
    const submitted = await decide(
      'plan',
      M,
      JINCHANG,
      'city_agency',
      { userId: 'agency-jc', cityCode: JINCHANG },
      { lines: cityIn(ready, JINCHANG)!.draft },
    );
    expect(submitted.status).toBe(200);
    const atReview = await waitFor(stack, M, (v) => cityIn(v, JINCHANG)?.stage === 'hrss_review');
    const deadline = Date.parse(cityIn(atReview, JINCHANG)!.deadline!);

    const until = Date.now() + 60_000;
    let overdue: string[] = [];
    while ((overdue = await list(query('hrss_review'))).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
    expect(overdue).toEqual([cityWorkflowId(M, JINCHANG)]);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    // The 13 cities that never submitted are overdue at the plan stage.
    expect((await list(query('plan'))).length).toBe(13);

    const view = await waitFor(stack, M, () => true);
    expect(cityIn(view, JINCHANG)).toMatchObject({
      stage: 'hrss_review',
      waitingFor: 'hrss_reviewer',
      overdue: true,
      overdueStages: expect.arrayContaining(['hrss_review']),
    });
    expect(view.status).toBe('running');
    expect(notices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'stage_overdue',
          month: M,
          cityCode: JINCHANG,
          stage: 'hrss_review',
          waitingFor: 'hrss_reviewer',
          deadline: new Date(deadline).toISOString(),
        }),
      ]),
    );

    // Late, but still taken: the cycle was waiting.
    const late = await decide(
      'hrss-decision',
      M,
      JINCHANG,
      'hrss_reviewer',
      { userId: 'hrss-late' },
      { planVersion: 1, decision: 'approve' },
    );
    expect(late.status).toBe(200);
    await waitFor(stack, M, (v) => cityIn(v, JINCHANG)?.stage === 'finance_review');
    const after = Date.now() + 30_000;
    while ((overdue = await list(query('hrss_review'))).length > 0 && Date.now() < after) await new Promise((r) => setTimeout(r, 500));
    expect(overdue).toEqual([]);
  });

  it('keeps the audit trail append-only: the app role may not change it, and the trigger stops even a superuser', async () => {
    const asRole = async (url: string, text: string) => {
      const pg = new PgClient({ connectionString: url });
      await pg.connect();
      try {
        await pg.query(text);
      } finally {
        await pg.end();
      }
    };
    for (const statement of [
      'update budget.audit_events set rule = null',
      'delete from budget.audit_events',
      'truncate budget.audit_events',
    ]) {
      await expect(asRole(stack.urls.budget.appUrl, statement)).rejects.toThrow(/permission denied for table audit_events/);
      await expect(asRole(stack.urls.budget.ownerUrl, statement)).rejects.toThrow(/permission denied for table audit_events|append-only/);
    }
    await expect(stack.sql('update budget.audit_events set rule = rule')).rejects.toThrow(/audit_events is append-only: UPDATE refused/);
    await expect(stack.sql('delete from budget.audit_events')).rejects.toThrow(/audit_events is append-only: DELETE refused/);
    await expect(stack.sql('truncate budget.audit_events')).rejects.toThrow(/audit_events is append-only: TRUNCATE refused/);
  });

  it('verifies the hash chain, and the verify command names the row a superuser changed or removed behind the trigger', async () => {
    const intact = await cli(stack, ['audit', 'verify']);
    expect({ code: intact.code, stdout: intact.stdout, stderr: intact.stderr }).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^OK: the audit chain is intact \(\d+ rows, last row \d+\)\n$/),
      stderr: '',
    });
    const rows = await stack.sql<{ id: string; user_id: string }>(
      'select id::text as id, user_id from budget.audit_events order by audit_events.id',
    );
    expect(rows.length).toBeGreaterThan(20);
    const victim = rows[Math.floor(rows.length / 2)]!;
    const behindTheTrigger = (statement: string) =>
      stack.sql(`set session_replication_role = replica; ${statement}; reset session_replication_role`);
    const verify = async () => (await stack.api('GET', '/audit/verify', 'operator')).body;

    // A changed row no longer matches its hash.
    await behindTheTrigger(`update budget.audit_events set user_id = 'mallory' where id = ${victim.id}`);
    const changed = await cli(stack, ['audit', 'verify']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(`BROKEN at row ${victim.id}: row ${victim.id} does not match its hash`);
    expect(await verify()).toMatchObject({ ok: false, broken: { id: victim.id } });

    await behindTheTrigger(`update budget.audit_events set user_id = '${victim.user_id}' where id = ${victim.id}`);
    expect(await verify()).toMatchObject({ ok: true, broken: null });

    // A removed row breaks the link of the row after it.
    const [saved] = await stack.sql(`select * from budget.audit_events where id = ${victim.id}`);
    await behindTheTrigger(`delete from budget.audit_events where id = ${victim.id}`);
    const removed = await cli(stack, ['audit', 'verify']);
    expect(removed.code).toBe(1);
    const next = rows[rows.indexOf(victim) + 1]!;
    expect(removed.stdout).toContain(
      `BROKEN at row ${next.id}: row ${next.id} does not chain to row ${rows[rows.indexOf(victim) - 1]!.id}`,
    );

    const columns = Object.keys(saved!);
    await stack.sql(
      `insert into budget.audit_events (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((c) => saved![c]),
    );
    expect(await verify()).toMatchObject({ ok: true, broken: null, checked: rows.length });
  });
});
