import { CITY_CODES, cityWorkflowId, PLAN_CATEGORIES, type CityStatus } from '@fund/shared';
import { requestHash } from '@fund/shared/server';
import { approveEverything, expectBalancedMonth, waitFor } from './drive';
import { startTestStack, type TestStack } from './stack';

// Months used by this file only: workflow ids are business keys shared by the whole namespace.
const MONTH = '2028-06';
const RESTARTED = '2028-07';
const RETRIED = '620400'; // Baiyin: its allocation is refused, the cause is fixed, an operator retries
const CLOSED = '620500'; // Tianshui: its allocation is refused, an operator closes the city

/** The allocation key a city's workflow sends; a record under it for another request makes the service refuse it for good. */
const allocationKey = (month: string, city: string) => `allocation:${cityWorkflowId(month, city)}:allocate`;

describe('one city whose step fails for good does not end the province month', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ beneficiaries: 140, batchSize: 20, dayMs: 60_000 });
    // The demo budgets cover this year and next only: the province sets 2028's.
    for (const city of CITY_CODES) {
      const lines = PLAN_CATEGORIES.map((category) => ({ category, amountFen: '100000000000' }));
      expect((await stack.api('PUT', `/budgets/2028/${city}`, 'provincial_agency', { lines })).status).toBe(200);
    }
  }, 120_000);
  afterAll(() => stack.stop());

  it('the failed cities wait for an operator; the other 12 close paid; a retry closes one, a close releases the other', async () => {
    // The measured failure: idempotency records left by a run Temporal no longer knows (IDEMPOTENCY_CONFLICT).
    for (const city of [RETRIED, CLOSED]) {
      await stack.sql(
        `insert into disbursement.idempotency_records (key, request_hash, response, created_at) values ($1, $2, '{}', now())`,
        [allocationKey(MONTH, city), requestHash({ from: 'another store' })],
      );
    }
    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: MONTH })).status).toBe(201);
    await approveEverything(stack, MONTH);

    const stuck = await waitFor(stack, MONTH, (v) => v.cities.filter((c) => c.waitingFor === 'operator').length === 2, 120_000);
    for (const city of stuck.cities.filter((c) => c.waitingFor === 'operator')) {
      expect(city).toMatchObject({ stage: 'allocation', failure: { stage: 'allocation', step: 'allocate', attempt: 1 } });
      expect(city.failure!.error).toMatch(/IDEMPOTENCY_CONFLICT/);
      expect(city.lastError).toMatch(/IDEMPOTENCY_CONFLICT/);
    }
    // The siblings go on and close, paid.
    const others = await waitFor(
      stack,
      MONTH,
      (v) => v.cities.filter((c) => c.stage === 'closed').length === CITY_CODES.length - 2,
      150_000,
    );
    expect(
      others.cities
        .filter((c) => c.stage !== 'closed')
        .map((c) => c.cityCode)
        .sort(),
    ).toEqual([RETRIED, CLOSED]);
    // An operator finds them with the documented query.
    const found: string[] = [];
    for (let i = 0; i < 50 && found.length < 2; i++) {
      found.length = 0;
      for await (const w of stack.client.workflow.list({ query: `CycleMonth = '${MONTH}' AND WaitingFor = 'operator'` }))
        found.push(w.workflowId);
      if (found.length < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found.sort()).toEqual([cityWorkflowId(MONTH, RETRIED), cityWorkflowId(MONTH, CLOSED)].sort());
    // The held reservations are still there while they wait.
    const active = await stack.sql<{ city_code: string }>(
      `select city_code from disbursement.reservations where month = $1 and status = 'active' order by 1`,
      [MONTH],
    );
    expect(active.map((r) => r.city_code)).toEqual([RETRIED, CLOSED]);

    // Refused, audited, nothing changed: another role; a close without a reason; a city that waits for nobody.
    const base = (city: string) => `/cycles/${MONTH}/cities/${city}`;
    expect((await stack.api('POST', `${base(RETRIED)}/retry-step`, 'finance_reviewer', {})).status).toBe(403);
    const noReason = await stack.api('POST', `${base(CLOSED)}/close-city`, 'operator', { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/reason/);
    const ended = await stack.api('POST', `${base('620100')}/retry-step`, 'operator', {});
    expect(ended.status).toBe(409);
    expect(ended.body.error.message).toMatch(/has ended \(completed\); it takes no more decisions/);

    // Retry after the cause is fixed: the step runs again under the same key and the city closes paid.
    await stack.sql(`delete from disbursement.idempotency_records where key = $1`, [allocationKey(MONTH, RETRIED)]);
    const retried = await stack.api<CityStatus>(
      'POST',
      `${base(RETRIED)}/retry-step`,
      'operator',
      { reason: 'stale record removed' },
      { userId: 'op-ana' },
    );
    expect(retried.status).toBe(200);
    expect(retried.body.operatorDecisions).toEqual([
      expect.objectContaining({ action: 'retry', step: 'allocate', userId: 'op-ana', reason: 'stale record removed' }),
    ]);

    // Close: the reservation and the commitment go back, and the month says why.
    const closed = await stack.api<CityStatus>(
      'POST',
      `${base(CLOSED)}/close-city`,
      'operator',
      { reason: 'records of a lost Temporal store' },
      { userId: 'op-bo' },
    );
    expect(closed.status).toBe(200);

    const view = await waitFor(stack, MONTH, (v) => v.status === 'closed', 120_000);
    const tianshui = view.cities.find((c) => c.cityCode === CLOSED)!;
    expect(tianshui).toMatchObject({
      stage: 'closed',
      closure: {
        stage: 'allocation',
        step: 'allocate',
        reason: 'records of a lost Temporal store',
        closedBy: 'op-bo',
        released: { pool: true, budget: true },
      },
    });
    expect(view.reconciliation.complete).toBe(false);
    expect(view.reconciliation.outcomes).toHaveLength(CITY_CODES.length);
    for (const outcome of view.reconciliation.outcomes) {
      expect(outcome.outcome).toBe(outcome.cityCode === CLOSED ? 'closed_by_operator' : 'closed');
    }
    expect(view.reconciliation.outcomes.find((o: { cityCode: string }) => o.cityCode === CLOSED).reason).toMatch(
      /records of a lost Temporal store/,
    );

    // Nothing stays reserved or committed for the closed city; the 13 others are paid and balanced.
    expect(await stack.sql(`select id from disbursement.reservations where month = $1 and status = 'active'`, [MONTH])).toEqual([]);
    const commitments = await stack.sql<{ released: boolean }>(
      `select released_at is not null as released from budget.commitments where month = $1 and city_code = $2`,
      [MONTH, CLOSED],
    );
    expect(commitments).toEqual([{ released: true }]);
    const paidCities = await stack.sql<{ city_code: string }>(
      `select distinct city_code from disbursement.payments where month = $1 order by 1`,
      [MONTH],
    );
    expect(paidCities.map((r) => r.city_code)).toEqual([...CITY_CODES].filter((c) => c !== CLOSED).sort());
    await expectBalancedMonth(stack, {
      ...view,
      reconciliation: {
        ...view.reconciliation,
        cities: view.reconciliation.cities.filter((c: { cityCode: string }) => c.cityCode !== CLOSED),
      },
    });
    expect(view.reconciliation.balanced).toBe(true);

    // Both decisions, and the refusals, are in the audit trail.
    const audit = await stack.sql<{ action: string; outcome: string; user_id: string; city_code: string }>(
      `select action, outcome, user_id, city_code from budget.audit_events where month = $1 and action in ('retry_step', 'close_city') order by id`,
      [MONTH],
    );
    expect(audit).toEqual([
      { action: 'retry_step', outcome: 'refused', user_id: 'test-finance_reviewer', city_code: RETRIED },
      { action: 'close_city', outcome: 'refused', user_id: 'test-operator', city_code: CLOSED },
      { action: 'retry_step', outcome: 'refused', user_id: 'test-operator', city_code: '620100' },
      { action: 'retry_step', outcome: 'accepted', user_id: 'op-ana', city_code: RETRIED },
      { action: 'close_city', outcome: 'accepted', user_id: 'op-bo', city_code: CLOSED },
    ]);
  });

  it('refuses to start a month whose records exist in the services but not in Temporal, saying what to do', async () => {
    await stack.sql(
      `insert into budget.plans (month, city_code, version, total_fen, submitted_by, submitted_role, idempotency_key) values ($1, '620100', 1, 0, 'someone', 'city_agency', 'k-lost')`,
      [RESTARTED],
    );
    const refused = await stack.api('POST', '/cycles', 'provincial_agency', { month: RESTARTED });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('MONTH_HAS_RECORDS');
    expect(refused.body.error.message).toMatch(/no cycle in this Temporal namespace/);
    expect(refused.body.error.message).toMatch(/TEMPORAL_ADDRESS/);
    expect((await stack.api('GET', `/cycles/${RESTARTED}`, 'operator')).status).toBe(404);
  });
});
