import type { PlanLine, Role } from '@fund/shared';
import type { RunningService } from '@fund/shared/server';
import { authHeader } from '@fund/test/harness';
import { DEMO_STANDARDS, type BenefitStandard } from '../benefits';
import type { DisbursementDB } from '../db';
import { insertBeneficiaries } from '../register/beneficiary.repository';
import { startDisbursement, testCipher, worker, type Answer, type Client } from '../test-support';

const AUGUST = '2025-08';
const SEPTEMBER = '2025-09';
const CITY = '620400';

describe('benefit standards as versioned data', () => {
  let service: RunningService<DisbursementDB>;
  let api: Client;

  beforeAll(async () => {
    ({ service, api } = await startDisbursement());
  });
  afterAll(() => service.stop());

  async function as(role: Role, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(await authHeader(role, { userId: `${role}-1`, ...(role === 'city_agency' ? { cityCode: CITY } : {}) })),
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async function payMonth(month: string, lines: PlanLine[]) {
    const total = lines.reduce((s, l) => s + BigInt(l.amountFen), 0n).toString();
    const key = `cycle:${month}:${CITY}`;
    await api.post('/pool/receipts', {
      month,
      cityCode: CITY,
      amountFen: total,
      transferId: `T-${month}`,
      idempotencyKey: `${key}:receipt`,
    });
    await api.post('/pool/reservations', { month, cityCode: CITY, amountFen: total, idempotencyKey: `${key}:reserve:v1` });
    await api.post('/allocations', { month, cityCode: CITY, amountFen: total, idempotencyKey: `${key}:allocate` });
    expect(
      (
        await api.post(`/payouts/${month}/${CITY}/prepare`, {
          approvedLines: lines,
          dueDate: `${month}-25T00:00:00.000Z`,
          idempotencyKey: `${key}:prepare`,
        })
      ).status,
    ).toBe(201);
    const batch = await api.post(`/payouts/${month}/${CITY}/batches`, {
      batchNo: 0,
      batchSize: 100,
      idempotencyKey: `${key}:payout:batch:0`,
    });
    expect(batch.body.done).toBe(true);
  }

  const stored = (month: string) =>
    service.db
      .selectFrom('entitlements')
      .select(['id', 'type', 'amount_fen', 'basis', 'status'])
      .where('city_code', '=', CITY)
      .where('period_month', '=', month)
      .orderBy('id')
      .execute();

  it('loads the built-in standards and yearly figures as reference data, read by anyone with a role', async () => {
    const listed = await as('city_agency', 'GET', '/standards');
    expect(listed.status).toBe(200);
    expect(
      listed.body.standards.map((s: { version: string; effectiveMonth: string; publishedBy: string }) => [
        s.version,
        s.effectiveMonth,
        s.publishedBy,
      ]),
    ).toEqual([
      ['reg-2010', '2011-01', 'reference-data'],
      ['gs-2025-07', '2025-07', 'reference-data'],
    ]);
    expect(listed.body.standards[1].standard).toEqual(DEMO_STANDARDS[1]);
    expect(listed.body.yearlyParameters.map((y: { year: number }) => y.year)).toEqual([2022, 2023, 2024, 2025, 2026, 2027, 2028]);
    expect(listed.body.yearlyParameters.at(-1)).toMatchObject({ year: 2028, minimumMonthlyWageFen: '222000' });
  });

  it('applies a new version from its effective month only, never to a month already paid', async () => {
    // Grade 1 on 6,123.45 with full nursing care: under gs-2025-07, 567,644 + 394,174 (50% of the 2024 average) a month.
    await insertBeneficiaries(service.db, [worker(CITY, { nursingLevel: 'full' })], testCipher);
    const august = (await api.get(`/drafts/${AUGUST}/${CITY}`)).body.lines as PlanLine[];
    await payMonth(AUGUST, august);
    const paidAugust = await stored(AUGUST);
    expect(paidAugust.map((e) => [e.type, e.amount_fen, e.status])).toEqual([
      ['disability_allowance', '567644', 'paid'],
      ['nursing_care', '394174', 'paid'],
    ]);
    const septemberBefore = (await api.get(`/drafts/${SEPTEMBER}/${CITY}`)).body.lines as PlanLine[];
    expect(septemberBefore.find((l) => l.category === 'long_term')!.amountFen).toBe((567_644 + 394_174).toString());

    const next: BenefitStandard = {
      ...(DEMO_STANDARDS[1] as BenefitStandard),
      version: 'gs-2025-09',
      effectiveMonth: SEPTEMBER,
      longTermAdjustmentBp: 500,
      nursingCareBp: { full: 5500, most: 4400, partial: 3300 },
    };
    // August is paid: a version reaching back into it is refused, naming the earliest month allowed.
    const late = await as('provincial_agency', 'POST', '/standards', { ...next, version: 'gs-2025-08', effectiveMonth: AUGUST });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain(`the earliest effective month is ${SEPTEMBER}`);
    expect((await as('hrss_reviewer', 'POST', '/standards', next)).status).toBe(403);
    const bad = await as('provincial_agency', 'POST', '/standards', { ...next, effectiveMonth: '2025-13', nursingCareBp: { full: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['body.effectiveMonth', 'body.nursingCareBp.full', 'body.nursingCareBp.most']),
    );
    // Art. 39: no dependant's share nor their total may pass the own wage.
    const overWage = await as('provincial_agency', 'POST', '/standards', {
      ...next,
      dependantPension: { spouseBp: 6000, otherDependantBp: 9500, loneElderlyOrOrphanBonusBp: 1000, totalCapBp: 12000 },
    });
    expect(overWage.status).toBe(400);
    expect(overWage.body.error.details.issues).toEqual([
      {
        field: 'body.dependantPension.otherDependantBp',
        rule: "a dependant's share with the lone-elderly/orphan bonus is at most 100% of the own wage (Art. 39)",
      },
      { field: 'body.dependantPension.totalCapBp', rule: "the dependants' total is at most 100% of the own wage (Art. 39)" },
    ]);

    const published = await as('provincial_agency', 'POST', '/standards', next);
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({
      version: 'gs-2025-09',
      effectiveMonth: SEPTEMBER,
      publishedBy: 'provincial_agency-1',
      publishedRole: 'provincial_agency',
    });
    expect((await as('provincial_agency', 'POST', '/standards', { ...next, effectiveMonth: '2025-10' })).status).toBe(409);
    expect((await as('provincial_agency', 'POST', '/standards', { ...next, version: 'other' })).status).toBe(409);

    // September's draft follows the new version: 612,345 x 90% x 105% = 578,666.025 -> 578,666; 55% of 788,347 = 433,590.85 -> 433,591.
    const septemberAfter = (await api.get(`/drafts/${SEPTEMBER}/${CITY}`)).body.lines as PlanLine[];
    expect(septemberAfter.find((l) => l.category === 'long_term')!.amountFen).toBe((578_666 + 433_591).toString());
    // August's entitlements are as they were paid.
    expect(await stored(AUGUST)).toEqual(paidAugust);
    expect((await api.get(`/drafts/${AUGUST}/${CITY}`)).body.lines).toEqual(august);

    await payMonth(SEPTEMBER, septemberAfter);
    const paidSeptember = await stored(SEPTEMBER);
    expect(paidSeptember.map((e) => [e.type, e.amount_fen, e.status])).toEqual([
      ['disability_allowance', '578666', 'paid'],
      ['nursing_care', '433591', 'paid'],
    ]);
    expect(paidSeptember[0]!.basis).toBe('grade 1: 90% of own wage ¥6,123.45 x (1 + 5% Art. 40 adjustment); standard gs-2025-09');
    expect(await stored(AUGUST)).toEqual(paidAugust);

    // Published versions are never rewritten, and each publication is audited.
    const trail = (await as('operator', 'GET', '/audit')).body.events;
    expect(trail.map((e: { action: string; userId: string }) => [e.action, e.userId])).toEqual([
      ['publish_standard', 'provincial_agency-1'],
    ]);
  });

  it('adds the figures of a missing year and refuses to rewrite a published one', async () => {
    const figures = { averageMonthlyWageFen: '884000', minimumMonthlyWageFen: '230000', nationalUrbanDisposableIncomeFen: '5900000' };
    const again = await as('provincial_agency', 'POST', '/yearly-parameters', { year: 2028, ...figures });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('never rewritten');
    const added = await as('operator', 'POST', '/yearly-parameters', { year: 2029, ...figures });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ year: 2029, ...figures, publishedBy: 'operator-1' });
    expect(
      (await as('provincial_agency', 'POST', '/yearly-parameters', { year: 2030, ...figures, minimumMonthlyWageFen: '0' })).status,
    ).toBe(400);
    const years = (await as('operator', 'GET', '/standards')).body.yearlyParameters.map((y: { year: number }) => y.year);
    expect(years.at(-1)).toBe(2029);
  });
});
