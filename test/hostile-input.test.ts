import fc from 'fast-check';
import { CITY_CODES, ErrorCode } from '@fund/shared';
import { ConfigError, DEFAULT_BODY_LIMIT_BYTES, DEFAULT_JSON_MAX_DEPTH, startService, type RunningService } from '@fund/shared/server';
import { budgetService, loadBudgetConfig } from '@fund/budget';
import { collectionService, loadCollectionConfig } from '@fund/collection';
import { disbursementService, loadDisbursementConfig } from '@fund/disbursement';
import { readTestEnvironment, TEST_SECRET } from './environment';
import { authHeader, createTestDatabase, serviceEnv } from './harness';
import {
  changedTables,
  refusedAndUnchanged,
  routeTable,
  startWithApp,
  tableSnapshots,
  tokenBook,
  type HostileService,
  type HostileStats,
  type RouteEntry,
} from './hostile';

/** The seed of the generated requests in `npm test`: the same few hundred every run. */
const SEED = 19;
const RUNS = 300;
const HANG_MS = 30_000;

const [HOME, OTHER] = CITY_CODES as [string, string];

describe('hostile input, generated from the route table and the schemas', () => {
  const environment = readTestEnvironment();
  let urls: Record<HostileService, string>;
  let routes: RouteEntry[];
  let snapshots: Awaited<ReturnType<typeof tableSnapshots>>;
  let services: Pick<RunningService<unknown>, 'stop'>[] = [];
  let ratedDb: Awaited<ReturnType<typeof createTestDatabase>>['urls'];

  beforeAll(async () => {
    const { name, urls: db } = await createTestDatabase();
    ratedDb = db;
    const url = new URL(environment.adminUrl);
    url.pathname = `/${name}`;
    // The generated traffic comes from a handful of tokens: the rate limit has its own test below.
    const common = { SEED_DEMO: 'true', DEMO_BENEFICIARIES: '14', RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' };
    const collection = await startWithApp(collectionService(loadCollectionConfig(serviceEnv(db.collection, common))));
    const disbursement = await startWithApp(disbursementService(loadDisbursementConfig(serviceEnv(db.disbursement, common))));
    const budget = await startWithApp(
      budgetService(
        loadBudgetConfig(
          serviceEnv(db.budget, {
            ...common,
            TEMPORAL_ADDRESS: environment.temporalAddress,
            TASK_QUEUE: `fund-test-${name}`,
            CYCLE_CLOCK: 'compressed:60000',
          }),
        ),
      ),
    );
    services = [collection.running, disbursement.running, budget.running];
    urls = { collection: collection.running.url, disbursement: disbursement.running.url, budget: budget.running.url };
    routes = [
      ...routeTable('collection', collection.app),
      ...routeTable('disbursement', disbursement.app),
      ...routeTable('budget', budget.app),
    ];
    snapshots = await tableSnapshots(url.toString());
  });

  afterAll(async () => {
    await snapshots?.close();
    await Promise.all(services.map((s) => s.stop()));
  });

  it('reads every route of the three services from their routers, each guarded but the health checks and the public pages', () => {
    const unguarded = routes.filter((r) => r.access === null).map((r) => `${r.service} ${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(50);
    expect(unguarded.filter((r) => !/^\w+ GET \/(healthz|readyz|metrics|openapi\.json)$|^budget GET \/(console|docs)/.test(r))).toEqual([]);
  });

  it(`refuses ${RUNS} generated hostile requests with a 4xx and the shared error body, and changes no table`, async () => {
    const tokens = await tokenBook(TEST_SECRET);
    const before = await snapshots.take();
    const stats: HostileStats = { requests: 0, byStatus: {}, fiveHundreds: 0, hangs: 0, changedTables: [] };
    const context = {
      routes,
      urls,
      tokens,
      snapshot: snapshots.take,
      before,
      hangMs: HANG_MS,
      limits: { bodyBytes: DEFAULT_BODY_LIMIT_BYTES, depth: DEFAULT_JSON_MAX_DEPTH },
    };
    await fc.assert(refusedAndUnchanged(context, stats), { seed: SEED, numRuns: RUNS });
    expect({ fiveHundreds: stats.fiveHundreds, hangs: stats.hangs, changedTables: stats.changedTables }).toEqual({
      fiveHundreds: 0,
      hangs: 0,
      changedTables: [],
    });
    expect(changedTables(before, await snapshots.take())).toEqual([]);
  });

  describe('the shrunk requests the campaign found, each once a 5xx', () => {
    const call = async (service: HostileService, path: string, init: RequestInit = {}) => {
      const response = await fetch(`${urls[service]}${path}`, init);
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };

    it('an id longer than a bigint is not found (employer, beneficiary) or refused (a list page after it)', async () => {
      const operator = await authHeader('operator');
      expect((await call('collection', '/employers/99999999999999999999', { headers: operator })).status).toBe(404);
      expect((await call('disbursement', '/beneficiaries/99999999999999999999', { headers: operator })).status).toBe(404);
      expect((await call('collection', `/employers?cityCode=${HOME}&after=99999999999999999999`, { headers: operator })).status).toBe(400);
      expect((await call('disbursement', '/beneficiaries?after=99999999999999999999', { headers: operator })).status).toBe(400);
      expect((await call('budget', '/audit?after=99999999999999999999', { headers: operator })).status).toBe(400);
    });

    it('a contribution naming an employer id longer than a bigint is refused', async () => {
      const answer = await call('collection', '/contributions', {
        method: 'POST',
        headers: { ...(await authHeader('provincial_agency')), 'content-type': 'application/json' },
        body: JSON.stringify({ employerId: '99999999999999999999', month: '2039-07', amountFen: '100', reference: 'hostile-1' }),
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain('body.employerId');
    });

    it('a path whose percent-escape does not decode is a 400 with the shared body', async () => {
      const answer = await call('budget', '/cycles/2039-07/cities/%C3%28/retry-step', {
        method: 'POST',
        headers: await authHeader('operator'),
      });
      expect(answer).toEqual({
        status: 400,
        body: { error: { code: ErrorCode.ValidationFailed, message: expect.stringContaining('percent-escape') } },
      });
    });

    it('a city agency deciding for a city whose code holds a NUL byte is a 403, not a 500', async () => {
      const answer = await call('budget', '/cycles/2039-07/cities/a%00b/plan', {
        method: 'POST',
        headers: { ...(await authHeader('city_agency', { cityCode: HOME })), 'content-type': 'application/json' },
        body: '{}',
      });
      expect(answer.status).toBe(403);
    });

    it('a refused decision naming a plan version beyond the audit column is refused, not a 500', async () => {
      const answer = await call('budget', '/cycles/2039-07/cities/0000000000000000000/repay', {
        method: 'POST',
        headers: { ...(await authHeader('operator')), 'content-type': 'application/json' },
        body: '{"planVersion":2434658164480135}',
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain('params.cityCode');
    });

    it('a URL longer than the server reads is a 431 with the shared body', async () => {
      const answer = await call('collection', `/employers?cityCode=${'x'.repeat(20_000)}`, { headers: await authHeader('operator') });
      expect(answer).toEqual({
        status: 431,
        body: { error: { code: ErrorCode.ValidationFailed, message: expect.stringContaining('too long') } },
      });
    });
  });

  describe('the stated request limits', () => {
    const post = async (body: string, contentType = 'application/json') => {
      const response = await fetch(`${urls.collection}/employers`, {
        method: 'POST',
        headers: { ...(await authHeader('provincial_agency')), 'content-type': contentType },
        body,
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };

    it('a body over 1 MiB is a 413', async () => {
      const answer = await post(JSON.stringify({ name: 'y'.repeat(DEFAULT_BODY_LIMIT_BYTES) }));
      expect(answer).toEqual({
        status: 413,
        body: { error: { code: ErrorCode.PayloadTooLarge, message: `the request body is larger than ${DEFAULT_BODY_LIMIT_BYTES} bytes` } },
      });
    });

    it('JSON nested deeper than 32 levels is a 400 naming the rule; 32 levels reach the schema', async () => {
      const deep = await post('['.repeat(DEFAULT_JSON_MAX_DEPTH + 1) + ']'.repeat(DEFAULT_JSON_MAX_DEPTH + 1));
      expect(deep.status).toBe(400);
      expect(deep.body.error.message).toBe(`invalid request: body nests deeper than ${DEFAULT_JSON_MAX_DEPTH} levels`);
      const allowed = await post(`{"name":${'['.repeat(DEFAULT_JSON_MAX_DEPTH - 1)}${']'.repeat(DEFAULT_JSON_MAX_DEPTH - 1)}}`);
      expect(allowed.status).toBe(400);
      expect(allowed.body.error.message).toContain('body.cityCode');
    });

    it('a body that is not JSON is a 415', async () => {
      const answer = await post('cityCode=620100', 'application/x-www-form-urlencoded');
      expect(answer.status).toBe(415);
      expect(answer.body.error.code).toBe(ErrorCode.UnsupportedMediaType);
    });

    it('a token subject over its burst is a 429 with Retry-After; another subject and the system role are not throttled', async () => {
      // Two requests at once, then one a hundred seconds: the third request of a test is refused however slow the machine.
      const limited = await startService(
        collectionService(loadCollectionConfig(serviceEnv(ratedDb.collection, { RATE_LIMIT_PER_SECOND: '0.01', RATE_LIMIT_BURST: '2' }))),
      );
      try {
        // A month with no transfer: the route's own answer is a 404, the limiter's a 429.
        const get = async (headers: Record<string, string>) => fetch(`${limited.url}/reconciliation/2039-07/${OTHER}`, { headers });
        const operator = await authHeader('operator', { userId: 'rate-limited-operator' });
        expect((await get(operator)).status).toBe(404);
        expect((await get(operator)).status).toBe(404);
        const refused = await get(operator);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.RateLimited);
        expect((await get(await authHeader('operator', { userId: 'another-operator' }))).status).toBe(404);
        const system = await authHeader('system', { userId: 'cycle-worker' });
        for (let i = 0; i < 5; i++) expect((await get(system)).status).toBe(404);
      } finally {
        await limited.stop();
      }
    });

    it('a limit that makes no sense stops the service at boot, naming the variable', () => {
      const env = serviceEnv(ratedDb.collection, { RATE_LIMIT_BURST: '0', REQUEST_BODY_LIMIT_BYTES: 'lots' });
      expect(() => loadCollectionConfig(env)).toThrow(ConfigError);
      expect(() => loadCollectionConfig(env)).toThrow(
        /RATE_LIMIT_BURST: must be at least 1[\s\S]*REQUEST_BODY_LIMIT_BYTES|REQUEST_BODY_LIMIT_BYTES[\s\S]*RATE_LIMIT_BURST/,
      );
    });
  });
});
