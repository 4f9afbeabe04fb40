import { CITY_CODES, type BudgetPosition } from '@fund/shared';
import { startService, type RunningService } from '@fund/shared/server';
import { authHeader, createTestDatabase, serviceEnv } from '@fund/test/harness';
import { loadBudgetConfig } from './config';
import type { BudgetDB } from './db';
import { budgetService } from './service';

const LANZHOU = '620100';
const CITY_AGENCY = { userId: 'agency-1', role: 'city_agency' };
const HRSS = { userId: 'hrss-1', role: 'hrss_reviewer' };
const FINANCE = { userId: 'finance-1', role: 'finance_reviewer' };

describe('budget service', () => {
  let service: RunningService<BudgetDB>;

  beforeAll(async () => {
    const { urls } = await createTestDatabase();
    service = await startService(budgetService(loadBudgetConfig(serviceEnv(urls.budget))));
  });
  afterAll(() => service.stop());

  // The cycle posts (system), the province sets budgets (PUT), an operator reads.
  const send = async (method: string, path: string, body?: unknown) => {
    const role = method === 'POST' ? 'system' : method === 'PUT' ? 'provincial_agency' : 'operator';
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await authHeader(role)) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = (path: string, body: unknown) => send('POST', path, body);
  const get = (path: string) => send('GET', path);
  const position = async (year: number, city: string) => (await get(`/budgets/${year}/${city}`)).body as BudgetPosition;
  const line = (p: BudgetPosition, category: string) => p.lines.find((l) => l.category === category)!;

  const setBudget = (year: number, city: string, amounts: Record<string, string>) =>
    send('PUT', `/budgets/${year}/${city}`, { lines: Object.entries(amounts).map(([category, amountFen]) => ({ category, amountFen })) });
  const commit = (month: string, city: string, key: string, lines: { category: string; amountFen: string; count?: number }[]) =>
    post('/commitments', { month, cityCode: city, idempotencyKey: key, lines: lines.map((l) => ({ count: 1, ...l })) });

  describe('budgets and commitments', () => {
    it('reports budget, committed and remaining per category and in total, and a release gives it back', async () => {
      const city = CITY_CODES[1]!;
      const set = await setBudget(2025, city, { long_term: '1000000', one_time: '500000', medical: '200000' });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ year: 2025, cityCode: city, budgetFen: '1700000', committedFen: '0', remainingFen: '1700000' });
      expect(line(set.body, 'other')).toEqual({ category: 'other', budgetFen: '0', committedFen: '0', remainingFen: '0' });

      const c = await commit('2025-03', city, 'test:2025-03:commit', [
        { category: 'long_term', amountFen: '400000', count: 10 },
        { category: 'medical', amountFen: '50000', count: 3 },
      ]);
      expect(c.status).toBe(201);
      expect(c.body).toMatchObject({
        month: '2025-03',
        cityCode: city,
        year: 2025,
        totalFen: '450000',
        remainingFen: '1250000',
        replayed: false,
      });

      const after = await position(2025, city);
      expect(after).toMatchObject({ budgetFen: '1700000', committedFen: '450000', remainingFen: '1250000' });
      expect(line(after, 'long_term')).toEqual({
        category: 'long_term',
        budgetFen: '1000000',
        committedFen: '400000',
        remainingFen: '600000',
      });
      expect(line(after, 'medical')).toEqual({ category: 'medical', budgetFen: '200000', committedFen: '50000', remainingFen: '150000' });
      expect(line(after, 'one_time')).toEqual({ category: 'one_time', budgetFen: '500000', committedFen: '0', remainingFen: '500000' });
      // The month's view reads the same year.
      expect((await get(`/budgets/remaining/2025-11/${city}`)).body).toEqual(after);
      expect((await get(`/budgets/remaining/2026-01/${city}`)).body).toMatchObject({ year: 2026, budgetFen: '0', remainingFen: '0' });

      // A budget cannot be cut below what is already committed.
      const tooLow = await setBudget(2025, city, { long_term: '300000', one_time: '500000', medical: '200000' });
      expect(tooLow.status).toBe(409);
      expect(tooLow.body.error.details).toMatchObject({ category: 'long_term', committedFen: '400000' });

      const released = await post('/commitments/release', { month: '2025-03', cityCode: city, idempotencyKey: 'test:2025-03:release' });
      expect(released.body).toMatchObject({ commitmentId: c.body.commitmentId, releasedFen: '450000', replayed: false });
      const again = await post('/commitments/release', { month: '2025-03', cityCode: city, idempotencyKey: 'test:2025-03:release' });
      expect(again.body).toMatchObject({ commitmentId: c.body.commitmentId, releasedFen: '450000', replayed: true });
      expect(await position(2025, city)).toMatchObject({ committedFen: '0', remainingFen: '1700000' });
    });

    it('refuses a commitment over the remaining budget with BUDGET_EXCEEDED and commits nothing', async () => {
      const city = CITY_CODES[2]!;
      await setBudget(2025, city, { long_term: '1000', one_time: '5000' });
      const over = await commit('2025-04', city, 'test:2025-04:over', [
        { category: 'one_time', amountFen: '100' },
        { category: 'long_term', amountFen: '1001' },
      ]);
      expect(over.status).toBe(409);
      expect(over.body.error.code).toBe('BUDGET_EXCEEDED');
      expect(over.body.error.details).toEqual({
        year: 2025,
        cityCode: city,
        category: 'long_term',
        remainingFen: '1000',
        requestedFen: '1001',
      });
      expect(over.body.error.message).toMatch(/long_term.*1000 fen remaining.*1001 fen/);
      expect(await position(2025, city)).toMatchObject({ committedFen: '0', remainingFen: '6000' });

      // No budget line at all for a category means nothing may be spent on it.
      const unbudgeted = await commit('2025-04', city, 'test:2025-04:other', [{ category: 'other', amountFen: '1' }]);
      expect(unbudgeted.body.error).toMatchObject({ code: 'BUDGET_EXCEEDED', details: { category: 'other', remainingFen: '0' } });

      // After a refusal the same key may be tried again with what fits.
      const fits = await commit('2025-04', city, 'test:2025-04:fits', [{ category: 'long_term', amountFen: '1000' }]);
      expect(fits.status).toBe(201);
      expect(fits.body.remainingFen).toBe('5000');
    });

    it('commits once per key and once per city and month', async () => {
      const city = CITY_CODES[3]!;
      await setBudget(2025, city, { long_term: '10000' });
      const lines = [{ category: 'long_term', amountFen: '3000' }];
      const first = await commit('2025-05', city, 'test:2025-05:commit', lines);
      const second = await commit('2025-05', city, 'test:2025-05:commit', lines);
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ ...first.body, replayed: true });
      expect(await position(2025, city)).toMatchObject({ committedFen: '3000', remainingFen: '7000' });

      const otherKey = await commit('2025-05', city, 'someone-else:2025-05', lines);
      expect(otherKey.status).toBe(409);
      expect(otherKey.body.error.code).toBe('CONFLICT');
      const otherRequest = await commit('2025-05', city, 'test:2025-05:commit', [{ category: 'long_term', amountFen: '2000' }]);
      expect(otherRequest.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(await position(2025, city)).toMatchObject({ committedFen: '3000' });

      // Compensation released it: the cycle retries the decision with the same key, which commits again.
      await post('/commitments/release', { month: '2025-05', cityCode: city, idempotencyKey: 'test:2025-05:release' });
      expect(await position(2025, city)).toMatchObject({ committedFen: '0' });
      const retried = await commit('2025-05', city, 'test:2025-05:commit', lines);
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ commitmentId: first.body.commitmentId, replayed: false });
      expect(await position(2025, city)).toMatchObject({ committedFen: '3000' });
      // ...and the same release key releases the new attempt too.
      const released = await post('/commitments/release', { month: '2025-05', cityCode: city, idempotencyKey: 'test:2025-05:release' });
      expect(released.body).toMatchObject({ releasedFen: '3000', replayed: false });
    });

    it('lets exactly one of two concurrent commitments through when together they exceed the budget', async () => {
      const city = CITY_CODES[4]!;
      await setBudget(2025, city, { medical: '1000' });
      const pair = await Promise.all(
        ['2025-06', '2025-07'].map((m) => commit(m, city, `test:race:${m}`, [{ category: 'medical', amountFen: '700' }])),
      );
      expect(pair.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(pair.find((r) => r.status === 409)!.body.error).toMatchObject({
        code: 'BUDGET_EXCEEDED',
        details: { category: 'medical', remainingFen: '300', requestedFen: '700' },
      });
      expect(await position(2025, city)).toMatchObject({ committedFen: '700', remainingFen: '300' });

      // Many at once: the sum committed never exceeds the budget.
      const many = CITY_CODES[5]!;
      await setBudget(2025, many, { medical: '1000' });
      const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
      const results = await Promise.all(months.map((m) => commit(m, many, `test:many:${m}`, [{ category: 'medical', amountFen: '300' }])));
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      expect(results.filter((r) => r.status === 409 && r.body.error.code === 'BUDGET_EXCEEDED')).toHaveLength(9);
      expect(await position(2025, many)).toMatchObject({ committedFen: '900', remainingFen: '100' });
    });
  });

  describe('plans and reviews', () => {
    const plan = (version: number, lines: { category: string; count: number; amountFen: string }[], actor = CITY_AGENCY) =>
      post('/plans', {
        month: '2025-06',
        cityCode: LANZHOU,
        version,
        lines,
        actor,
        idempotencyKey: `cycle:2025-06:620100:plan:v${version}`,
      });
    const review = (version: number, step: string, decision: string, extra: Record<string, unknown> = {}) =>
      post('/reviews', {
        month: '2025-06',
        cityCode: LANZHOU,
        version,
        step,
        decision,
        reason: null,
        approvedLines: null,
        actor: step === 'hrss_review' ? HRSS : FINANCE,
        idempotencyKey: `cycle:2025-06:620100:review:${step}:v${version}`,
        ...extra,
      });
    const v1Lines = [
      { category: 'long_term', count: 100, amountFen: '45000000' },
      { category: 'medical', count: 20, amountFen: '1200000' },
    ];
    const v2Lines = [
      { category: 'long_term', count: 100, amountFen: '44000000' },
      { category: 'medical', count: 20, amountFen: '1200000' },
    ];

    it('records every version and decision and lists them for reviewers', async () => {
      const v1 = await plan(1, v1Lines);
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({
        month: '2025-06',
        cityCode: LANZHOU,
        version: 1,
        lines: v1Lines,
        submittedBy: 'agency-1',
        reviews: [],
        replayed: false,
      });
      const replay = await plan(1, v1Lines);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ ...v1.body, replayed: true });
      expect((await plan(3, v1Lines)).status).toBe(409); // versions follow one another

      // Finance cannot review before HRSS; a return needs a reason.
      expect((await review(1, 'finance_review', 'approve')).body.error.code).toBe('INVALID_DECISION');
      expect((await review(1, 'hrss_review', 'return')).body.error.message).toMatch(/reason/);
      const returned = await review(1, 'hrss_review', 'return', { reason: 'long-term count does not match the register' });
      expect(returned.status).toBe(201);
      expect(returned.body).toMatchObject({
        version: 1,
        step: 'hrss_review',
        decision: 'return',
        userId: 'hrss-1',
        role: 'hrss_reviewer',
        approvedLines: null,
      });

      expect((await plan(2, v2Lines)).status).toBe(201);
      // The returned version is closed.
      expect((await review(1, 'hrss_review', 'approve', { idempotencyKey: 'late-review-of-v1' })).status).toBe(422);
      const hrss = await review(2, 'hrss_review', 'approve');
      expect(hrss.body.approvedLines).toEqual(v2Lines);
      const cut = [
        { category: 'long_term', count: 100, amountFen: '40000000' },
        { category: 'medical', count: 20, amountFen: '1200000' },
      ];
      const finance = await review(2, 'finance_review', 'cut', { reason: "over the quarter's share", approvedLines: cut });
      expect(finance.status).toBe(201);

      const stored = (await get(`/plans/2025-06/${LANZHOU}`)).body;
      expect(stored.map((p: { version: number }) => p.version)).toEqual([1, 2]);
      expect(stored[0].reviews).toEqual([
        expect.objectContaining({
          step: 'hrss_review',
          decision: 'return',
          reason: 'long-term count does not match the register',
          userId: 'hrss-1',
        }),
      ]);
      expect(stored[1].reviews.map((r: { step: string; decision: string }) => `${r.step}:${r.decision}`)).toEqual([
        'hrss_review:approve',
        'finance_review:cut',
      ]);
      expect(stored[1].reviews[1]).toMatchObject({
        userId: 'finance-1',
        role: 'finance_reviewer',
        approvedLines: cut,
        reason: "over the quarter's share",
      });
      expect(Date.parse(stored[1].reviews[1].at)).not.toBeNaN();

      const list = (await get('/plans?month=2025-06')).body.plans;
      expect(list).toHaveLength(14);
      expect(list.find((p: { cityCode: string }) => p.cityCode === LANZHOU)).toMatchObject({
        latestVersion: 2,
        status: 'approved',
        totalFen: '45200000',
        approvedFen: '41200000',
      });
      expect(list.filter((p: { status: string }) => p.status === 'awaiting')).toHaveLength(13);
      expect((await get('/plans?month=2025-06&status=approved')).body.plans).toHaveLength(1);

      const history = (await get(`/history/${LANZHOU}?months=3&until=2025-07`)).body;
      expect(history).toEqual({
        cityCode: LANZHOU,
        months: [
          { month: '2025-05', latestVersion: null, status: 'awaiting', plannedFen: null, approvedFen: null },
          { month: '2025-06', latestVersion: 2, status: 'approved', plannedFen: '45200000', approvedFen: '41200000' },
          { month: '2025-07', latestVersion: null, status: 'awaiting', plannedFen: null, approvedFen: null },
        ],
      });
    });

    it('refuses a review of a missing version, or one approving more than the plan', async () => {
      const month = '2025-08';
      const base = { month, cityCode: LANZHOU, step: 'hrss_review', reason: null, approvedLines: null, actor: HRSS };
      const missing = await post('/reviews', { ...base, version: 1, decision: 'approve', idempotencyKey: 'review-of-nothing' });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');

      await post('/plans', {
        month,
        cityCode: LANZHOU,
        version: 1,
        lines: v1Lines,
        actor: CITY_AGENCY,
        idempotencyKey: `plan:${month}:v1`,
      });
      const tooMuch = await post('/reviews', {
        ...base,
        version: 1,
        decision: 'approve',
        approvedLines: [{ category: 'long_term', count: 100, amountFen: '45000001' }],
        idempotencyKey: `review:${month}:too-much`,
      });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.error.code).toBe('INVALID_DECISION');
      expect(tooMuch.body.error.details).toMatchObject({ category: 'long_term', approvedFen: '45000001', allowedFen: '45000000' });
      const newCategory = await post('/reviews', {
        ...base,
        version: 1,
        decision: 'cut',
        reason: 'moved to one-time',
        approvedLines: [{ category: 'one_time', count: 1, amountFen: '1' }],
        idempotencyKey: `review:${month}:new-category`,
      });
      expect(newCategory.body.error.code).toBe('INVALID_DECISION');

      // The submitter cannot review their own plan, and a reviewer needs the step's role.
      const own = await post('/reviews', {
        ...base,
        version: 1,
        decision: 'approve',
        actor: { ...HRSS, userId: CITY_AGENCY.userId },
        idempotencyKey: `review:${month}:own`,
      });
      expect(own.body.error.message).toMatch(/cannot review/);
      const wrongRole = await post('/reviews', {
        ...base,
        version: 1,
        decision: 'approve',
        actor: FINANCE,
        idempotencyKey: `review:${month}:role`,
      });
      expect(wrongRole.body.error.message).toMatch(/hrss_reviewer/);
      // The HRSS approver cannot also do the finance review.
      await post('/reviews', { ...base, version: 1, decision: 'approve', idempotencyKey: `review:${month}:hrss` });
      const sameHands = await post('/reviews', {
        ...base,
        version: 1,
        step: 'finance_review',
        decision: 'approve',
        actor: { ...FINANCE, userId: HRSS.userId },
        idempotencyKey: `review:${month}:same-hands`,
      });
      expect(sameHands.body.error.code).toBe('INVALID_DECISION');

      const stored = (await get(`/plans/${month}/${LANZHOU}`)).body;
      expect(stored[0].reviews).toHaveLength(1);
    });
  });

  describe('reports', () => {
    it("keeps every version of a month's report and answers the latest", async () => {
      expect((await get('/reports/2025-09')).status).toBe(404);
      const first = await post('/reports', { month: '2025-09', report: { balanced: false, cities: 14 } });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ month: '2025-09', version: 1 });
      // A retry of the same report stores nothing new.
      const retry = await post('/reports', { month: '2025-09', report: { cities: 14, balanced: false } });
      expect(retry.status).toBe(200);
      expect(retry.body.version).toBe(1);
      const second = await post('/reports', { month: '2025-09', report: { balanced: true, cities: 14 } });
      expect(second.body.version).toBe(2);
      const latest = (await get('/reports/2025-09')).body;
      expect(latest).toMatchObject({ month: '2025-09', version: 2, report: { balanced: true, cities: 14 } });
      expect(Date.parse(latest.createdAt)).not.toBeNaN();
    });
  });

  it('refuses bad input with the field and the rule', async () => {
    const bad = await post('/plans', {
      month: '2025-13',
      cityCode: '999999',
      version: 0,
      lines: [{ category: 'long_term', count: 1.5, amountFen: '1.5' }],
      actor: { userId: '', role: 'mayor' },
      idempotencyKey: 'short',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const fields = bad.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.month',
        'body.cityCode',
        'body.version',
        'body.lines.0.count',
        'body.lines.0.amountFen',
        'body.actor.userId',
        'body.actor.role',
        'body.idempotencyKey',
      ]),
    );

    const budget = await send('PUT', `/budgets/25/${LANZHOU}`, {
      lines: [
        { category: 'medical', amountFen: '-1' },
        { category: 'medical', amountFen: '1' },
      ],
    });
    expect(budget.status).toBe(400);
    expect(budget.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['params.year']);
    const dup = await send('PUT', `/budgets/2025/${LANZHOU}`, {
      lines: [
        { category: 'medical', amountFen: '-1' },
        { category: 'medical', amountFen: '1' },
      ],
    });
    expect(dup.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual([
      'body.lines.0.amountFen',
      'body.lines.1.category',
    ]);
    const dupOnly = await send('PUT', `/budgets/2025/${LANZHOU}`, {
      lines: [
        { category: 'medical', amountFen: '2' },
        { category: 'medical', amountFen: '1' },
      ],
    });
    expect(dupOnly.body.error.details.issues).toEqual([{ field: 'body.lines.1.category', rule: 'each category may appear only once' }]);

    const commitment = await post('/commitments', { month: '2025-01', cityCode: LANZHOU, lines: [], idempotencyKey: 'test:bad:commit' });
    expect(commitment.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.lines']);
    expect((await get('/history/620100?months=0')).body.error.details.issues[0].field).toBe('query.months');
    expect((await get(`/budgets/2025/${LANZHOU}`)).body.budgetFen).toBe('0');
  });
});
