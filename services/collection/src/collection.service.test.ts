import { CITY_CODES } from '@fund/shared';
import { startService, type RunningService } from '@fund/shared/server';
import { authHeader, createTestDatabase, serviceEnv } from '@fund/test/harness';
import { loadCollectionConfig } from './config';
import type { CollectionDB } from './db';
import { collectionService } from './service';

const LANZHOU = '620100';

describe('collection service', () => {
  let service: RunningService<CollectionDB>;

  beforeAll(async () => {
    const { urls } = await createTestDatabase();
    service = await startService(collectionService(loadCollectionConfig(serviceEnv(urls.collection))));
  });
  afterAll(() => service.stop());

  // The cycle moves transfers; the provincial agency registers employers and the tax bureau's reports; an operator reads.
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(await authHeader(path.startsWith('/transfers') ? 'system' : 'provincial_agency')),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const get = async (path: string) => (await fetch(`${service.url}${path}`, { headers: await authHeader('operator') })).json();

  async function employerWithContributions(city: string, months: string[], amountFen: string) {
    const employer = await post('/employers', { cityCode: city, name: 'Test Works', industryClass: 3, monthlyPayrollFen: '100000000' });
    expect(employer.status).toBe(201);
    for (const month of months) {
      const r = await post('/contributions', {
        employerId: employer.body.id,
        month,
        amountFen,
        reference: `R-${employer.body.id}-${month}`,
      });
      expect(r.status).toBe(201);
    }
    return employer.body.id as string;
  }

  it('sweeps every earlier month up to the province once, and a retry moves nothing more', async () => {
    const city = CITY_CODES[3]!;
    await employerWithContributions(city, ['2025-01', '2025-02', '2025-03'], '70000');
    const first = await post('/transfers', { month: '2025-03', cityCode: city, idempotencyKey: 'cycle:2025-03:transfer' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amountFen: '140000', contributionCount: 2, replayed: false });

    const again = await post('/transfers', { month: '2025-03', cityCode: city, idempotencyKey: 'cycle:2025-03:transfer' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ amountFen: '140000', transferId: first.body.transferId, replayed: true });

    const other = await post('/transfers', { month: '2025-03', cityCode: city, idempotencyKey: 'someone-else:2025-03' });
    expect(other.status).toBe(409);

    const recon = await get(`/reconciliation/2025-03/${city}`);
    expect(recon).toEqual({
      month: '2025-03',
      cityCode: city,
      collectedFen: '140000',
      transferredFen: '140000',
      leftBehindFen: '0',
      incomeBalanceFen: '70000', // March's own contributions wait for April's transfer
      ledgerBalanced: true,
    });
  });

  it('counts a repeated tax bureau report once', async () => {
    const employer = await post('/employers', { cityCode: LANZHOU, name: 'Repeat Co', industryClass: 1, monthlyPayrollFen: '5000000' });
    const body = { employerId: employer.body.id, month: '2025-05', amountFen: '1000', reference: 'TAX-REPEAT-1' };
    expect((await post('/contributions', body)).status).toBe(201);
    expect((await post('/contributions', body)).status).toBe(200);
    expect((await post('/contributions', { ...body, amountFen: '2000' })).status).toBe(409);
    const t = await post('/transfers', { month: '2025-06', cityCode: LANZHOU, idempotencyKey: 'cycle:2025-06:620100:t' });
    expect(t.body.amountFen).toBe('1000');
  });

  it('refuses bad input with the field and the rule, and changes nothing', async () => {
    const bad = await post('/employers', { cityCode: '999999', name: '', industryClass: 9, monthlyPayrollFen: '1.5' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const fields = bad.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['body.cityCode', 'body.name', 'body.industryClass', 'body.monthlyPayrollFen']));
    const list = await get('/employers?cityCode=623000');
    expect(list.employers).toEqual([]);
  });
});
