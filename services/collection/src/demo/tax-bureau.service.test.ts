import { checkLedger, createDb, startService, type RunningService } from '@fund/shared/server';
import { authHeader, createTestDatabase, serviceEnv } from '@fund/test/harness';
import { loadCollectionConfig } from '../config';
import type { CollectionDB } from '../db';
import { collectionService } from '../service';
import { feedDemoCity } from './tax-bureau';

const GANNAN = '623000';
const MONTHS = ['2025-03', '2025-04', '2025-05'];

describe('the demo tax bureau, month after month', () => {
  let service: RunningService<CollectionDB>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { urls } = await createTestDatabase();
    // Demo employers already there, so the service's seed leaves the schema alone and only the feed writes.
    const db = createDb<CollectionDB>(urls.collection.appUrl, 'collection');
    const employers = [
      ['T001', 1, '30000000'],
      ['T002', 3, '50000000'],
      ['T007', 5, '12345678'],
      ['T008', 8, '80000000'],
    ] as const;
    for (const [tag, industryClass, payroll] of employers) {
      const row = await db
        .insertInto('employers')
        .values({ city_code: GANNAN, name: `Demo employer ${GANNAN}-${tag}`, industry_class: industryClass, monthly_payroll_fen: payroll })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[tag] = row.id;
    }
    await db
      .insertInto('employer_grades')
      .values({
        employer_id: ids.T001!,
        effective_from: '2025-01-01',
        grade_pct: 120,
        reason: 'a new injury, ratio 150%',
        decided_by: 'test',
      })
      .execute();
    await db.destroy();
    service = await startService(collectionService(loadCollectionConfig(serviceEnv(urls.collection, { SEED_DEMO: 'true' }))));
  });
  afterAll(() => service.stop());

  const transfer = async (month: string) => {
    const res = await fetch(`${service.url}/transfers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await authHeader('system')) },
      body: JSON.stringify({ month, cityCode: GANNAN, idempotencyKey: `cycle:${month}:${GANNAN}:transfer` }),
    });
    return (await res.json()) as { amountFen: string; contributionCount: number; replayed: boolean };
  };
  const account = async (month: string) =>
    (
      await fetch(`${service.url}/income-accounts/${GANNAN}/${month}?asOf=2025-05-01`, { headers: await authHeader('operator') })
    ).json() as Promise<any>;
  const balances = () => service.db.selectFrom('ledger_balances').selectAll().orderBy('account').execute();

  const row = (a: any, tag: string) => {
    const e = a.employers.find((x: any) => x.name.endsWith(tag));
    return [e.payrollFen, e.benchmarkBp, e.gradePct, e.dueFen, e.receivedFen, e.arrearsFen, e.lateFeeFen, e.status];
  };

  it('declares and reports before each transfer, and a second run changes nothing', async () => {
    // The transfer of March sweeps January and February as the bureau had them on 1 March; April's
    // brings February's late payer and March; May's brings March's late payer and April.
    const first = [];
    for (const month of MONTHS) first.push(await transfer(month));
    expect(first.map((t) => [t.contributionCount, t.replayed])).toEqual([
      [7, false],
      [4, false],
      [5, false],
    ]);

    const january = await account('2025-01');
    // T001, class 1 at grade 120%: 29,751,000 x 20 x 120 / 1,000,000 = 71,402.4 -> 71,402, paid on time.
    expect(row(january, 'T001')).toEqual(['29751000', 20, 120, '71402', '71402', '0', '0', 'paid']);
    // T002 paid short: 50,725,000 x 70 x 100 / 1,000,000 = 355,075 due, 209,494 paid, 145,581 in arrears;
    // unpaid 15 January -> 1 May, 106 days: 145,581 x 106 x 5 / 10,000 = 7,715.79 -> 7,716.
    expect(row(january, 'T002')).toEqual(['50725000', 70, 100, '355075', '209494', '145581', '7716', 'part_paid']);

    const february = await account('2025-02');
    // T007 paid February on 13 March, 26 days late: 12,412,344 x 110 x 100 / 1,000,000 = 136,535.78 -> 136,536;
    // 136,536 x 26 x 5 / 10,000 = 1,774.97 -> 1,775.
    expect(row(february, 'T007')).toEqual(['12412344', 110, 100, '136536', '136536', '0', '1775', 'paid']);

    const march = await account('2025-03');
    // T008 paid March on 2 April, 18 days late: 80,320,000 x 190 x 100 / 1,000,000 = 1,526,080;
    // 1,526,080 x 18 x 5 / 10,000 = 13,734.72 -> 13,735.
    expect(row(march, 'T008')).toEqual(['80320000', 190, 100, '1526080', '1526080', '0', '13735', 'paid']);

    expect([january, february, march].map((a) => [a.dueFen, a.receivedFen, a.arrearsFen, a.lateFeeFen])).toEqual([
      ['2071061', '1925480', '145581', '7716'],
      ['2086002', '2086002', '0', '1775'],
      ['2086021', '2086021', '0', '13735'],
    ]);
    // Every receipt of January to March is in and transferred except what T002 still owes.
    const transferred = first.reduce((sum, t) => sum + BigInt(t.amountFen), 0n);
    const april = await account('2025-04');
    expect(transferred).toBe(1_925_480n + 2_086_002n + 2_086_021n + BigInt(april.receivedFen));

    // As the account stood on 1 March, T007 had not paid February yet.
    const early = (await (
      await fetch(`${service.url}/income-accounts/${GANNAN}/2025-02?asOf=2025-03-01`, { headers: await authHeader('operator') })
    ).json()) as any;
    // 136,536 x 14 days (15 February -> 1 March) x 5 / 10,000 = 955.75 -> 956
    expect(row(early, 'T007')).toEqual(['12412344', 110, 100, '136536', '0', '136536', '956', 'in_arrears']);

    // The second run: the same transfers and the feed again for each month.
    const ledgerBefore = await balances();
    const again = [];
    for (const month of MONTHS) again.push(await transfer(month));
    expect(again.map((t) => [t.amountFen, t.replayed])).toEqual(first.map((t) => [t.amountFen, true]));
    for (const month of MONTHS) {
      expect(await feedDemoCity(service.db, GANNAN, month)).toMatchObject({ declarations: 0, receipts: 0 });
    }
    expect(await balances()).toEqual(ledgerBefore);
    expect((await checkLedger(service.db)).balanced).toBe(true);
    expect(await account('2025-01')).toEqual(january);
    expect(await account('2025-03')).toEqual(march);
    const counts = await service.db
      .selectFrom('contributions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('city_code', '=', GANNAN)
      .executeTakeFirstOrThrow();
    expect(counts.n).toBe('16');
  });
});
