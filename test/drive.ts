import type { CityStatus } from '@fund/shared';
import type { TestStack } from './stack';

export interface CycleBody {
  month: string;
  status: 'running' | 'closed' | 'failed';
  cities: CityStatus[];
  reconciliation: any;
}

/** Polls until `done` holds for the month's view, or fails after `timeoutMs`. */
export async function waitFor(
  stack: TestStack,
  month: string,
  done: (view: CycleBody) => boolean,
  timeoutMs = 120_000,
): Promise<CycleBody> {
  const deadline = Date.now() + timeoutMs;
  let last: CycleBody | null = null;
  for (;;) {
    const res = await stack.api<CycleBody>('GET', `/cycles/${month}`, 'operator');
    if (res.status === 200) {
      last = res.body;
      if (done(last)) return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out; last view: ${JSON.stringify(last?.cities.map((c) => [c.cityCode, c.stage, c.waitingFor, c.lastError]))}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Plays the agencies and reviewers: submits each draft, HRSS approves, finance approves. */
export async function approveEverything(stack: TestStack, month: string, only?: (city: CityStatus) => boolean): Promise<void> {
  const handled = new Set<string>();
  const pending = () => true;
  for (;;) {
    const view = await waitFor(stack, month, pending);
    const open = view.cities.filter(
      (c) => (only ? only(c) : true) && ['transfer', 'plan', 'hrss_review', 'finance_review'].includes(c.stage),
    );
    if (open.length === 0 && view.cities.length > 0) return;
    for (const city of open) {
      const key = `${city.cityCode}:${city.stage}:${city.plan?.version ?? 0}`;
      if (handled.has(key)) continue;
      const base = `/cycles/${month}/cities/${city.cityCode}`;
      if (city.stage === 'plan' && city.draft) {
        handled.add(key);
        const r = await stack.api(
          'POST',
          `${base}/plan`,
          'city_agency',
          { lines: city.draft },
          { userId: `agency-${city.cityCode}`, cityCode: city.cityCode },
        );
        if (r.status !== 200) throw new Error(`submit ${city.cityCode}: ${JSON.stringify(r.body)}`);
      } else if (city.stage === 'hrss_review' && city.plan) {
        handled.add(key);
        const r = await stack.api(
          'POST',
          `${base}/hrss-decision`,
          'hrss_reviewer',
          { planVersion: city.plan.version, decision: 'approve' },
          { userId: 'hrss-1' },
        );
        if (r.status !== 200) throw new Error(`hrss ${city.cityCode}: ${JSON.stringify(r.body)}`);
      } else if (city.stage === 'finance_review' && city.plan) {
        handled.add(key);
        const r = await stack.api(
          'POST',
          `${base}/finance-decision`,
          'finance_reviewer',
          { planVersion: city.plan.version, decision: 'approve' },
          { userId: 'finance-1' },
        );
        if (r.status !== 200) throw new Error(`finance ${city.cityCode}: ${JSON.stringify(r.body)}`);
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The ledger invariants every money test ends with, read from the services themselves. */
export async function expectBalancedMonth(stack: TestStack, view: CycleBody): Promise<void> {
  expect(view.status).toBe('closed');
  expect(view.reconciliation.balanced).toBe(true);
  for (const city of view.reconciliation.cities) {
    for (const check of city.checks)
      expect({ city: city.cityCode, check: check.name, ok: check.ok, detail: check.detail }).toMatchObject({ ok: true });
    expect(BigInt(city.allocatedFen)).toBe(BigInt(city.paidFen) + BigInt(city.returnedFen) + BigInt(city.unspentFen));
    expect(city.collectedFen).toBe(city.transferredFen);
    expect(city.allocatedFen).toBe(city.approvedFen);
  }
  // Every ledger entry in both money-holding schemas balances, and no payment was made twice.
  for (const schema of ['collection', 'disbursement']) {
    const unbalanced = await stack.sql(`select entry_id from ${schema}.ledger_postings group by entry_id having sum(amount_fen) <> 0`);
    expect(unbalanced).toEqual([]);
  }
}
