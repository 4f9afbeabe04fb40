import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CITY_CODES, PLAN_CATEGORIES, type CityStatus, type PlanLine, type Role } from '@fund/shared';
import { DEMO_STANDARDS, type BenefitStandard } from '@fund/disbursement';
import { expectBalancedMonth, waitFor } from './drive';
import { authHeader } from './harness';
import { startTestStack, type TestStack } from './stack';

// Months used by this file only (reserved for it: 2028-01 to 2028-03).
const JANUARY = '2028-01';
const FEBRUARY = '2028-02';
const LANZHOU = '620100';
const TIANSHUI = '620500';
/** Finance cuts this city's long-term line by one fen in January. */
const CUT_CITY = '621100';
/** Nobody reviews this city's February plan until its early warning is raised. */
const LATE_CITY = '623000';

describe('standards, supervision, deferral report, on-time rate and early warning over whole months', () => {
  let stack: TestStack;
  let webhook: http.Server;
  const events: { type: string; month: string; cityCode: string; stage: string; deadline: string; receivedAt: number }[] = [];

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        events.push({ ...(JSON.parse(body) as Omit<(typeof events)[number], 'receivedAt'>), receivedAt: Date.now() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    stack = await startTestStack({ beneficiaries: 280, batchSize: 7, dayMs: 3_000, overdueWebhookUrl: url });
    // The demo budgets cover this year and next only: the province sets 2028's.
    for (const city of CITY_CODES) {
      const lines = PLAN_CATEGORIES.map((category) => ({ category, amountFen: '100000000000' }));
      const set = await stack.api('PUT', `/budgets/2028/${city}`, 'provincial_agency', { lines });
      expect(set.status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await new Promise((resolve) => webhook.close(resolve));
  });

  /** A call to the disbursement service as a person in `role`. */
  async function disbursement(role: Role, method: 'GET' | 'POST', path: string, body?: unknown) {
    const res = await fetch(`${stack.disbursement.url}${path}`, {
      method,
      headers: { ...(await authHeader(role, { userId: `${role}-1` })), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  /**
   * Plays each city agency and both reviewers for the cities `only` admits, with finance's decision
   * from `finance` (approve unless it says otherwise), until none of them waits for a person.
   */
  async function review(
    month: string,
    only: (city: string) => boolean,
    finance: (city: CityStatus) => { decision: 'approve' | 'cut'; reason?: string; lines?: PlanLine[] } = () => ({ decision: 'approve' }),
  ) {
    const handled = new Set<string>();
    for (;;) {
      const view = await waitFor(stack, month, () => true);
      const open = view.cities.filter((c) => only(c.cityCode) && ['transfer', 'plan', 'hrss_review', 'finance_review'].includes(c.stage));
      if (open.length === 0 && view.cities.length > 0) return;
      for (const city of open) {
        const key = `${city.cityCode}:${city.stage}:${city.plan?.version ?? 0}`;
        if (handled.has(key)) continue;
        const base = `/cycles/${month}/cities/${city.cityCode}`;
        let r: { status: number; body: unknown } | null = null;
        if (city.stage === 'plan' && city.draft) {
          r = await stack.api(
            'POST',
            `${base}/plan`,
            'city_agency',
            { lines: city.draft },
            { userId: `agency-${city.cityCode}`, cityCode: city.cityCode },
          );
        } else if (city.stage === 'hrss_review' && city.plan) {
          r = await stack.api(
            'POST',
            `${base}/hrss-decision`,
            'hrss_reviewer',
            { planVersion: city.plan.version, decision: 'approve' },
            { userId: 'hrss-1' },
          );
        } else if (city.stage === 'finance_review' && city.plan) {
          r = await stack.api(
            'POST',
            `${base}/finance-decision`,
            'finance_reviewer',
            { planVersion: city.plan.version, ...finance(city) },
            { userId: 'finance-1' },
          );
        }
        if (r) {
          handled.add(key);
          if (r.status !== 200) throw new Error(`${city.cityCode} ${city.stage}: ${JSON.stringify(r.body)}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** What was computed for a month (its long-term benefits, and the claims its run took): amounts and bases. */
  const entitlementsOf = (month: string) =>
    stack.sql<{ id: string; amount_fen: string; basis: string }>(
      `select id::text, amount_fen::text, basis from disbursement.entitlements
       where period_month = $1 or (period_month is null and payout_month = $1) order by id`,
      [month],
    );

  it('closes January with a cut plan that defers by the rule and a report naming who waited, holding the suspicious payments', async () => {
    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: JANUARY })).status).toBe(201);
    const cut = (city: CityStatus) =>
      city.cityCode !== CUT_CITY
        ? { decision: 'approve' as const }
        : {
            decision: 'cut' as const,
            reason: 'long-term line over this month\u2019s execution limit',
            lines: city.plan!.lines.map((l) =>
              l.category === 'long_term' ? { ...l, amountFen: (BigInt(l.amountFen) - 1n).toString() } : l,
            ),
          };
    await review(JANUARY, () => true, cut);
    const view = await waitFor(stack, JANUARY, (v) => v.status === 'closed', 150_000);
    await expectBalancedMonth(stack, view);

    // The rule: a cut long-term line defers latest first, so the last long-term case of the register waits.
    const [latest] = await stack.sql<{ id: string; beneficiary_id: string; amount_fen: string; type: string }>(
      `select id::text, beneficiary_id::text, amount_fen::text, type from disbursement.entitlements
       where payout_month = $1 and city_code = $2 and category = 'long_term'
       order by period_month desc, beneficiary_id desc, type desc, dependant_index desc nulls last limit 1`,
      [JANUARY, CUT_CITY],
    );
    const report = await stack.api('GET', `/reports/${JANUARY}`, 'operator');
    expect(report.status).toBe(200);
    const cities = report.body.report.cities as {
      cityCode: string;
      deferred?: { entitlementId: string; beneficiaryId: string; name: string; type: string; category: string; amountFen: string }[];
      deferredCount?: number;
      deferredFen?: string;
      held?: { count: number; amountFen: string };
      onTime?: { due: number; paidOnTime: number; rate: number };
      unspentFen: string;
    }[];
    const cutCity = cities.find((c) => c.cityCode === CUT_CITY)!;
    expect(cutCity.deferred).toEqual([
      {
        entitlementId: latest!.id,
        beneficiaryId: latest!.beneficiary_id,
        name: expect.stringMatching(/^\S\*+$/),
        type: latest!.type,
        category: 'long_term',
        periodMonth: JANUARY,
        amountFen: latest!.amount_fen,
      },
    ]);
    expect(cutCity).toMatchObject({ deferredCount: 1, deferredFen: latest!.amount_fen });
    for (const c of cities.filter((x) => x.cityCode !== CUT_CITY))
      expect({ city: c.cityCode, deferred: c.deferred }).toEqual({ city: c.cityCode, deferred: [] });

    // The demo's suspicious cases were held before money left, and their money is unspent.
    const lanzhou = cities.find((c) => c.cityCode === LANZHOU)!;
    const tianshui = cities.find((c) => c.cityCode === TIANSHUI)!;
    expect(lanzhou.held!.count).toBeGreaterThanOrEqual(5);
    expect(lanzhou.held!.count + tianshui.held!.count).toBeGreaterThanOrEqual(6);
    const holds = (await disbursement('hrss_reviewer', 'GET', `/holds?month=${JANUARY}&cityCode=${LANZHOU}`)).body.holds as {
      rules: string[];
    }[];
    expect(holds.filter((h) => h.rules.includes('shared_bank_account'))).toHaveLength(5);
    const duplicates = [
      ...holds,
      ...((await disbursement('hrss_reviewer', 'GET', `/holds?month=${JANUARY}&cityCode=${TIANSHUI}`)).body.holds as { rules: string[] }[]),
    ].filter((h) => h.rules.includes('duplicate_id_across_cities'));
    expect(duplicates.length).toBeGreaterThanOrEqual(1);

    // The on-time rate per city, in the report and in the cycle status: held and returned payments are not on time.
    for (const c of cities) {
      const progress = view.cities.find((s) => s.cityCode === c.cityCode)!.payout!;
      expect(c.onTime).toEqual(progress.onTime);
      expect(c.onTime!.due).toBe(progress.total - progress.deferred);
      expect(c.onTime!.paidOnTime).toBe(progress.paid);
      expect(c.onTime!.rate).toBeCloseTo(c.onTime!.paidOnTime / c.onTime!.due, 4);
    }
    expect(lanzhou.onTime!.rate).toBeLessThan(1);
  }, 240_000);

  it('applies a standard published for February from February on, leaves paid January alone, and warns of a late payout before its deadline', async () => {
    const januaryBefore = await entitlementsOf(JANUARY);
    const draft = async () => (await disbursement('operator', 'GET', `/drafts/${FEBRUARY}/${LANZHOU}`)).body.lines as PlanLine[];
    const longTerm = (lines: PlanLine[]) => BigInt(lines.find((l) => l.category === 'long_term')!.amountFen);
    const before = await draft();

    const next: BenefitStandard = {
      ...(DEMO_STANDARDS[1] as BenefitStandard),
      version: 'gs-2028-02',
      effectiveMonth: FEBRUARY,
      longTermAdjustmentBp: 600,
    };
    const refused = await disbursement('provincial_agency', 'POST', '/standards', {
      ...next,
      version: 'gs-2028-01',
      effectiveMonth: JANUARY,
    });
    expect(refused.status).toBe(409);
    expect((await disbursement('provincial_agency', 'POST', '/standards', next)).status).toBe(201);
    const after = await draft();
    expect(longTerm(after)).toBeGreaterThan(longTerm(before));
    expect(await entitlementsOf(JANUARY)).toEqual(januaryBefore);

    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: FEBRUARY })).status).toBe(201);
    await review(FEBRUARY, (city) => city !== LATE_CITY);
    // The late city raises its early warning before the payout deadline passes.
    const warned = await waitFor(
      stack,
      FEBRUARY,
      (v) => v.cities.some((c) => c.cityCode === LATE_CITY && c.payoutAtRisk === true),
      120_000,
    );
    const late = warned.cities.find((c) => c.cityCode === LATE_CITY)!;
    expect(late.overdueStages).not.toContain('payout');
    const warning = events.find((e) => e.type === 'payout_at_risk' && e.month === FEBRUARY && e.cityCode === LATE_CITY);
    expect(warning).toBeDefined();
    expect(warning!.receivedAt).toBeLessThan(Date.parse(warning!.deadline));

    await review(FEBRUARY, (city) => city === LATE_CITY);
    const view = await waitFor(stack, FEBRUARY, (v) => v.status === 'closed', 150_000);
    await expectBalancedMonth(stack, view);
    const lanzhou = view.cities.find((c) => c.cityCode === LANZHOU)!;
    expect(BigInt(lanzhou.draft!.find((l) => l.category === 'long_term')!.amountFen)).toBe(longTerm(after));
    const february = await stack.sql<{ n: string }>(
      `select count(*)::text as n from disbursement.entitlements where payout_month = $1 and category = 'long_term' and basis like '%standard gs-2028-02'`,
      [FEBRUARY],
    );
    expect(Number(february[0]!.n)).toBeGreaterThan(0);
    expect(await entitlementsOf(JANUARY)).toEqual(januaryBefore);
    // January's deferred entitlement was paid in February as arrears, at January's standard.
    const [arrears] = await stack.sql<{ payout_month: string; status: string; basis: string }>(
      `select payout_month, status, basis from disbursement.entitlements where period_month = $1 and city_code = $2 and payout_month <> $1`,
      [JANUARY, CUT_CITY],
    );
    expect(arrears).toMatchObject({ payout_month: FEBRUARY, status: 'paid', basis: expect.stringContaining('standard gs-2025-07') });
  }, 300_000);
});
