import { apportionByPopulation, CITY_CODES, monthOf, yearOf } from '@fund/shared';
import { startService } from '@fund/shared/server';
import { authHeader, createTestDatabase, serviceEnv } from '@fund/test/harness';
import { loadBudgetConfig } from './config';
import { demoBudget } from './seed';
import { budgetService } from './service';

describe('demo budget seed', () => {
  it('sizes each category from the register', () => {
    expect(demoBudget(10)).toEqual({
      long_term: (10n * 450_000n * 12n * 13n) / 10n, // 70,200,000 fen
      one_time: 400_000_000n + 3_000_000n, // per-city base + 10 x 300,000
      medical: 200_000_000n + 7_200_000n, // per-city base + 10 x 60,000 x 12
      other: 1_200_000n,
    });
  });

  it('budgets last year, this year and the next for every city, once', async () => {
    const { urls } = await createTestDatabase();
    const env = serviceEnv(urls.budget, { SEED_DEMO: 'true', DEMO_BENEFICIARIES: '1400' });
    const year = yearOf(monthOf(new Date()));
    const lanzhou = apportionByPopulation(1400).get('620100')!;

    const read = async (url: string) => (await fetch(url, { headers: await authHeader('operator') })).json();
    let service = await startService(budgetService(loadBudgetConfig(env)));
    try {
      for (const y of [year - 1, year, year + 1]) {
        for (const city of CITY_CODES) {
          const p = await read(`${service.url}/budgets/${y}/${city}`);
          expect(BigInt(p.budgetFen)).toBeGreaterThan(0n);
        }
      }
      const p = await read(`${service.url}/budgets/${year}/620100`);
      const expected = demoBudget(lanzhou);
      expect(p.lines.map((l: { budgetFen: string }) => l.budgetFen)).toEqual(
        [expected.long_term, expected.one_time, expected.medical, expected.other].map(String),
      );
      // A budget someone set survives a restart: the seed runs only on an empty schema.
      await fetch(`${service.url}/budgets/${year}/620100`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(await authHeader('provincial_agency')) },
        body: JSON.stringify({ lines: [{ category: 'medical', amountFen: '5' }] }),
      });
    } finally {
      await service.stop();
    }
    service = await startService(budgetService(loadBudgetConfig(env)));
    try {
      const p = await read(`${service.url}/budgets/${year}/620100`);
      expect(p.budgetFen).toBe('5');
    } finally {
      await service.stop();
    }
  });
});
