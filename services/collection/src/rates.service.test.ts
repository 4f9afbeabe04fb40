import { startService, type RunningService } from '@fund/shared/server';
import { sql } from 'kysely';
import { Client } from 'pg';
import { authHeader, createTestDatabase, serviceEnv } from '@fund/test/harness';
import { loadCollectionConfig } from './config';
import type { CollectionDB } from './db';
import { provinceToday } from './rates/rate.repository';
import { collectionService } from './service';

const LANZHOU = '620100';
const JIUQUAN = '620900';
const BENCHMARKS_2015 = { 1: 20, 2: 40, 3: 70, 4: 90, 5: 110, 6: 130, 7: 160, 8: 190 };
const GRADES_2015 = {
  1: [100, 120, 150],
  2: [50, 80, 100, 120, 150],
  3: [50, 80, 100, 120, 150],
  4: [50, 80, 100, 120, 150],
  5: [50, 80, 100, 120, 150],
  6: [50, 80, 100, 120, 150],
  7: [50, 80, 100, 120, 150],
  8: [50, 80, 100, 120, 150],
};

describe('rates as data, payroll declarations and what employers owe', () => {
  let service: RunningService<CollectionDB>;
  let ownerUrl: string;

  beforeAll(async () => {
    const { urls } = await createTestDatabase();
    ownerUrl = urls.collection.ownerUrl;
    service = await startService(collectionService(loadCollectionConfig(serviceEnv(urls.collection))));
  });
  afterAll(() => service.stop());

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    role: Parameters<typeof authHeader>[0] = 'provincial_agency',
    cityCode?: string,
  ) => {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await authHeader(role, cityCode ? { cityCode } : {})) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = (path: string, body: unknown) => call('POST', path, body);
  const get = async (path: string) => (await call('GET', path, undefined, 'operator')).body;
  const fields = (body: any) => body.error.details.issues.map((i: { field: string; rule: string }) => `${i.field}: ${i.rule}`);

  const register = async (city: string, industryClass: number, name = 'Rates Works') =>
    (await post('/employers', { cityCode: city, name, industryClass, monthlyPayrollFen: '100000000' })).body.id as string;

  it('holds the 2015 national rates in force from 1 October 2015', async () => {
    const { versions } = await get('/rates/versions');
    expect(versions[0]).toEqual({
      effectiveFrom: '2015-10-01',
      reason: '2015 national notice on work-injury premium rates',
      publishedBy: 'migration',
      benchmarksBp: { 1: 20, 2: 40, 3: 70, 4: 90, 5: 110, 6: 130, 7: 160, 8: 190 },
      grades: GRADES_2015,
      inForce: true,
    });
  });

  it('publishes a future version, and refuses one in the past, a duplicate or overlapping date, and class 1 below its benchmark', async () => {
    const next = {
      effectiveFrom: '2031-01-01',
      benchmarksBp: { ...BENCHMARKS_2015, 8: 210 },
      grades: GRADES_2015,
      reason: 'mining claims above premiums',
    };
    const published = await post('/rates/versions', next);
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ effectiveFrom: '2031-01-01', benchmarksBp: { 8: 210 }, inForce: false });

    const duplicate = await post('/rates/versions', next);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toMatch(/overlaps the version in force from 2031-01-01/);
    const overlapping = await post('/rates/versions', { ...next, effectiveFrom: '2030-07-01' });
    expect(overlapping.status).toBe(409);
    expect(fields(overlapping.body)).toEqual(["body.effectiveFrom: must be after 2031-01-01, the latest version's first day"]);

    const past = await post('/rates/versions', { ...next, effectiveFrom: '2024-01-01' });
    expect(past.status).toBe(422);
    expect(fields(past.body)[0]).toMatch(/^body\.effectiveFrom: must be after today/);

    const midMonth = await post('/rates/versions', { ...next, effectiveFrom: '2032-01-15' });
    expect(midMonth.status).toBe(400);
    expect(fields(midMonth.body)).toEqual(['body.effectiveFrom: must be the first day of a month']);

    const classOneDown = await post('/rates/versions', {
      ...next,
      effectiveFrom: '2032-01-01',
      grades: { ...GRADES_2015, 1: [80, 100, 120] },
    });
    expect(classOneDown.status).toBe(400);
    expect(fields(classOneDown.body)).toEqual(['body.grades.1: class 1 may not float below its benchmark (100%)']);

    const { versions } = await get('/rates/versions');
    expect(versions.map((v: { effectiveFrom: string }) => v.effectiveFrom)).toEqual(['2015-10-01', '2031-01-01']);
  });

  it('revises a version not yet in force, and refuses to change one in force, in the service and in the database', async () => {
    const revised = await call('PUT', '/rates/versions/2031-01-01', {
      effectiveFrom: '2031-01-01',
      benchmarksBp: { ...BENCHMARKS_2015, 8: 200 },
      grades: GRADES_2015,
      reason: 'mining: a smaller rise',
    });
    expect(revised.status).toBe(200);
    expect(revised.body.benchmarksBp['8']).toBe(200);

    const inForce = await call('PUT', '/rates/versions/2015-10-01', {
      effectiveFrom: '2015-10-01',
      benchmarksBp: { ...BENCHMARKS_2015, 1: 10 },
      grades: GRADES_2015,
      reason: 'rewrite history',
    });
    expect(inForce.status).toBe(409);
    expect(inForce.body.error.message).toBe('the rate version in force from 2015-10-01 may not be changed: publish a new version instead');

    // The service's own database role, straight at the tables.
    const attempts = [
      sql`update rate_versions set reason = 'x' where effective_from = '2015-10-01'`,
      sql`delete from rate_versions where effective_from = '2015-10-01'`,
      sql`update benchmark_rates set rate_bp = 10 where industry_class = 1 and version_id = (select id from rate_versions where effective_from = '2015-10-01')`,
      sql`delete from floating_grades where version_id = (select id from rate_versions where effective_from = '2015-10-01')`,
      sql`insert into floating_grades select id, 2, 60 from rate_versions where effective_from = '2015-10-01'`,
    ];
    for (const attempt of attempts) {
      await expect(attempt.execute(service.db)).rejects.toThrow(/rate version in force from 2015-10-01 may not be changed/);
    }
    // The schema's owner too, naming the table in full from a session with no search path set.
    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      await expect(owner.query(`update collection.benchmark_rates set rate_bp = 10 where industry_class = 1`)).rejects.toThrow(
        /rate version in force from 2015-10-01 may not be changed/,
      );
    } finally {
      await owner.end();
    }
    expect((await get('/rates/versions')).versions[0].benchmarksBp['1']).toBe(20);
  });

  it('starts a new employer at its benchmark and floats it only to a grade its class allows, from a future month', async () => {
    const classOne = await register(LANZHOU, 1, 'Office Co');
    const thisMonth = `${provinceToday().slice(0, 7)}-01`;
    expect(await get(`/employers/${classOne}`)).toMatchObject({ rate: { benchmarkBp: 20, gradePct: 100 } });
    expect((await get(`/employers/${classOne}/grades`)).grades).toEqual([
      { effectiveFrom: thisMonth, gradePct: 100, reason: 'new employer: the benchmark', decidedBy: 'registration' },
    ]);

    const down = await post(`/employers/${classOne}/grades`, { effectiveFrom: '2031-01-01', gradePct: 80, reason: 'no injuries' });
    expect(down.status).toBe(422);
    expect(fields(down.body)).toEqual(['body.gradePct: must be a grade class 1 may float to from 2031-01-01 (100%, 120%, 150%)']);
    const past = await post(`/employers/${classOne}/grades`, { effectiveFrom: thisMonth, gradePct: 120, reason: 'late' });
    expect(past.status).toBe(422);

    const up = await post(`/employers/${classOne}/grades`, {
      effectiveFrom: '2031-01-01',
      gradePct: 120,
      reason: 'a new injury, ratio 180%',
    });
    expect(up.status).toBe(201);
    expect((await post(`/employers/${classOne}/grades`, { effectiveFrom: '2031-01-01', gradePct: 150, reason: 'again' })).status).toBe(409);
    await expect(
      sql`update employer_grades set grade_pct = 150 where employer_id = ${classOne} and effective_from = ${thisMonth}`.execute(service.db),
    ).rejects.toThrow(/grade in force from .* may not be changed/);

    // December 2030 at the 2015 rates; January 2031 at the class's grade 120% (the class 1 benchmark stays 0.2%).
    for (const [month, reference] of [
      ['2030-12', 'DECL-OFFICE-2030-12'],
      ['2031-01', 'DECL-OFFICE-2031-01'],
    ] as const) {
      expect((await post('/payroll-declarations', { employerId: classOne, month, payrollFen: '3000000', reference })).status).toBe(201);
    }
    const dues = (await get(`/employers/${classOne}/dues?from=2030-12&to=2031-01&asOf=2031-01-01`)).dues;
    // 3,000,000 x 20 x 100 / 1,000,000 = 6,000; 3,000,000 x 20 x 120 / 1,000,000 = 7,200
    expect(dues.map((d: any) => [d.month, d.benchmarkBp, d.gradePct, d.dueFen])).toEqual([
      ['2030-12', 20, 100, '6000'],
      ['2031-01', 20, 120, '7200'],
    ]);
  });

  it("records a declaration once by the bureau's reference, and refuses bad ones naming the field and rule, changing nothing", async () => {
    const employer = await register(JIUQUAN, 3, 'Declared Works');
    const good = { employerId: employer, month: '2025-07', payrollFen: '12345678', reference: 'DECL-JQ-2025-07' };
    expect((await post('/payroll-declarations', good)).status).toBe(201);
    expect((await post('/payroll-declarations', good)).body).toMatchObject({ replayed: true });
    expect((await post('/payroll-declarations', { ...good, reference: 'DECL-JQ-2025-07-B' })).status).toBe(409);

    const unknown = await post('/payroll-declarations', { ...good, employerId: '999999', reference: 'DECL-NOBODY' });
    expect(unknown.status).toBe(422);
    expect(fields(unknown.body)).toEqual(['body.employerId: must be a registered employer']);
    const negative = await post('/payroll-declarations', { ...good, payrollFen: '-100', reference: 'DECL-NEG' });
    expect(negative.status).toBe(400);
    expect(fields(negative.body)).toEqual(['body.payrollFen: must not be negative']);
    const badMonth = await post('/payroll-declarations', { ...good, month: '2025-13', reference: 'DECL-BAD-MONTH' });
    expect(badMonth.status).toBe(400);
    expect(fields(badMonth.body)).toEqual(['body.month: must be a month written YYYY-MM']);

    const account = await get(`/income-accounts/${JIUQUAN}/2025-07?asOf=2025-07-10`);
    // 12,345,678 x 70 x 100 / 1,000,000 = 86,419.746 -> 86,420
    expect(account).toMatchObject({ declaredPayrollFen: '12345678', dueFen: '86420', receivedFen: '0', arrearsFen: '0', lateFeeFen: '0' });
    expect(account.employers).toHaveLength(1);
    expect((await get(`/income-accounts/${JIUQUAN}/2025-13`)).error.code).toBe('VALIDATION_FAILED');
  });

  it('matches dues with receipts per city and month: paid, part paid, in arrears, with late fees to the fen', async () => {
    const city = '621200';
    const onTime = await register(city, 2, 'On Time Co');
    const late = await register(city, 4, 'Late Co');
    const short = await register(city, 6, 'Short Co');
    const none = await register(city, 8, 'Silent Co');
    const declare = (employerId: string, payrollFen: string) =>
      post('/payroll-declarations', { employerId, month: '2025-09', payrollFen, reference: `DECL-2025-09-${employerId}` });
    const receipt = (employerId: string, amountFen: string, paidOn: string, n = 1) =>
      post('/contributions', { employerId, month: '2025-09', amountFen, paidOn, reference: `TAX-2025-09-${employerId}-${n}` });
    // Dues: 10,000,000 x 40 = 40,000; 20,000,000 x 90 = 180,000; 5,000,000 x 130 = 65,000; 1,000,000 x 190 = 19,000 (x 100% / 1,000,000)
    await declare(onTime, '10000000');
    await declare(late, '20000000');
    await declare(short, '5000000');
    await declare(none, '1000000');
    await receipt(onTime, '40000', '2025-09-15');
    await receipt(late, '180000', '2025-10-05'); // 20 days late
    await receipt(short, '50000', '2025-09-12');
    await receipt(short, '5000', '2025-10-15', 2); // 30 days late; 10,000 still unpaid

    const account = await get(`/income-accounts/${city}/2025-09?asOf=2025-10-15`);
    const byName = Object.fromEntries(
      account.employers.map((e: any) => [e.name, [e.dueFen, e.receivedFen, e.arrearsFen, e.lateFeeFen, e.status]]),
    );
    expect(byName).toEqual({
      'On Time Co': ['40000', '40000', '0', '0', 'paid'],
      // 180,000 x 20 days x 5 / 10,000 = 1,800
      'Late Co': ['180000', '180000', '0', '1800', 'paid'],
      // 5,000 paid 30 days late: 150,000 fen-days; 10,000 unpaid 15 Sep -> 15 Oct, 30 days: 300,000
      // (150,000 + 300,000) x 5 / 10,000 = 225
      'Short Co': ['65000', '55000', '10000', '225', 'part_paid'],
      // 19,000 x 30 x 5 / 10,000 = 285
      'Silent Co': ['19000', '0', '19000', '285', 'in_arrears'],
    });
    expect(account).toMatchObject({
      dueDate: '2025-09-15',
      declaredPayrollFen: '36000000',
      dueFen: '304000', // 40,000 + 180,000 + 65,000 + 19,000
      receivedFen: '275000', // 40,000 + 180,000 + 55,000
      arrearsFen: '29000', // 10,000 + 19,000
      lateFeeFen: '2310', // 1,800 + 225 + 285
    });

    // A city agency reads its own city's account and no other.
    expect((await call('GET', `/income-accounts/${city}/2025-09`, undefined, 'city_agency', city)).status).toBe(200);
    expect((await call('GET', `/income-accounts/${city}/2025-09`, undefined, 'city_agency', LANZHOU)).status).toBe(403);
    expect((await call('GET', `/employers/${late}/dues`, undefined, 'city_agency', LANZHOU)).status).toBe(403);
    expect(
      (
        await call(
          'POST',
          '/payroll-declarations',
          { employerId: late, month: '2025-10', payrollFen: '1', reference: 'X' },
          'city_agency',
          city,
        )
      ).status,
    ).toBe(403);
  });

  it('lets only the provincial agency publish rates and grades; every role reads them', async () => {
    const version = { effectiveFrom: '2033-01-01', benchmarksBp: BENCHMARKS_2015, grades: GRADES_2015, reason: 'roles' };
    for (const role of ['city_agency', 'hrss_reviewer', 'finance_reviewer', 'operator', 'system'] as const) {
      expect((await call('POST', '/rates/versions', version, role, role === 'city_agency' ? LANZHOU : undefined)).status).toBe(403);
      expect((await call('GET', '/rates/versions', undefined, role, role === 'city_agency' ? LANZHOU : undefined)).status).toBe(200);
    }
    const employer = await register(LANZHOU, 2, 'Roles Co');
    const grade = { effectiveFrom: '2031-03-01', gradePct: 80, reason: 'no injuries' };
    expect((await call('POST', `/employers/${employer}/grades`, grade, 'city_agency', LANZHOU)).status).toBe(403);
    expect((await call('POST', `/employers/${employer}/grades`, grade, 'operator')).status).toBe(403);
    expect((await call('GET', `/employers/${employer}/grades`, undefined, 'city_agency', JIUQUAN)).status).toBe(403);
    expect((await get('/rates/versions')).versions.map((v: { effectiveFrom: string }) => v.effectiveFrom)).not.toContain('2033-01-01');
  });
});
