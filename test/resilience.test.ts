import { CITY_CODES, cityWorkflowId, cycleWorkflowId, SearchAttributes } from '@fund/shared';
import { approveEverything, expectBalancedMonth, waitFor } from './drive';
import { readmeQuery } from './readme-queries';
import { startTestStack, type TestStack } from './stack';

// Months used by this file only.
const KILL_MONTH = '2027-05';
const OUTAGE_MONTH = '2027-06';
const PROVINCE_DOWN_MONTH = '2026-10';
const LANZHOU = '620100';

async function paidTwice(stack: TestStack): Promise<unknown[]> {
  return stack.sql(`select entitlement_id from disbursement.payments where status = 'paid' group by entitlement_id having count(*) > 1`);
}

describe('a worker killed with SIGKILL during the payout stage', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ beneficiaries: 1_400, batchSize: 10, dayMs: 1_500, workerProcess: true, disbursementProxy: true });
  });
  afterAll(() => stack.stop());

  it('comes back, completes the cycle and pays every beneficiary exactly once', async () => {
    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: KILL_MONTH })).status).toBe(201);
    // Slow each payout batch so the kill lands mid-payout.
    stack.proxy!.slow(/\/payouts\/[^/]+\/[^/]+\/batches/, 300);
    // Kill once Lanzhou's payout is part-way through (some paid, some pending), watching while reviewers decide.
    const midPayout = async () => {
      const deadline = Date.now() + 150_000;
      for (;;) {
        const [progress] = await stack.sql<{ paid: string; pending: string }>(
          `select count(*) filter (where status = 'paid')::text as paid, count(*) filter (where status = 'pending')::text as pending
             from disbursement.entitlements where payout_month = $1 and city_code = $2`,
          [KILL_MONTH, LANZHOU],
        );
        if (Number(progress!.paid) > 0 && Number(progress!.pending) > 0) break;
        if (Date.now() > deadline) throw new Error('the payout never got under way');
        await new Promise((r) => setTimeout(r, 50));
      }
      const [before] = await stack.sql<{ n: string }>(`select count(*)::text as n from disbursement.payments where status = 'paid'`);
      stack.killWorker();
      await new Promise((r) => setTimeout(r, 1_000));
      stack.proxy!.slow(null);
      await stack.startWorker();
      return Number(before!.n);
    };
    const [, paidBefore] = await Promise.all([approveEverything(stack, KILL_MONTH), midPayout()]);

    const view = await waitFor(stack, KILL_MONTH, (v) => v.status === 'closed', 170_000);
    await expectBalancedMonth(stack, view);
    expect(await paidTwice(stack)).toEqual([]);
    // Every entitlement of the month was settled: paid once, or failed and counted as returned.
    const unsettled = await stack.sql(
      `select id from disbursement.entitlements where payout_month = $1 and status not in ('paid', 'failed', 'deferred', 'held')`,
      [KILL_MONTH],
    );
    expect(unsettled).toEqual([]);
    const paidAfter = await stack.sql<{ n: string }>(`select count(*)::text as n from disbursement.payments where status = 'paid'`);
    expect(Number(paidAfter[0]!.n)).toBeGreaterThan(paidBefore);
    // The payout activity really was interrupted: Lanzhou's payout ran more than one attempt.
    const history = await stack.client.workflow.getHandle(cityWorkflowId(KILL_MONTH, LANZHOU)).fetchHistory();
    const payoutStarted = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'payCity');
    expect(payoutStarted).toBeDefined();
    const started = history.events!.find(
      (e) =>
        e.activityTaskStartedEventAttributes &&
        Number(e.activityTaskStartedEventAttributes.scheduledEventId) === Number(payoutStarted!.eventId),
    );
    // The first attempt died with the worker; a later one finished from the heartbeat checkpoint.
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBeGreaterThanOrEqual(2);
  }, 300_000);
});

describe('the disbursement service down during allocation', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ beneficiaries: 140, dayMs: 1_000, disbursementProxy: true });
  });
  afterAll(() => stack.stop());

  it('retries while the cycle visibly waits, then completes with nothing allocated twice', async () => {
    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: OUTAGE_MONTH })).status).toBe(201);
    stack.proxy!.block(/^\/allocations/);
    await approveEverything(stack, OUTAGE_MONTH);

    // Stuck at allocation, waiting for the disbursement service: found with the README's query, as an operator would.
    const stuckQuery = readmeQuery('waiting on the disbursement service', OUTAGE_MONTH);
    expect(stuckQuery).toBe(`CycleMonth = '${OUTAGE_MONTH}' AND WaitingFor = 'disbursement'`);
    const deadline = Date.now() + 60_000;
    let stuck: string[] = [];
    let stages: (string | undefined)[] = [];
    while (Date.now() < deadline) {
      stuck = [];
      stages = [];
      for await (const w of stack.client.workflow.list({ query: stuckQuery })) {
        stuck.push(w.workflowId);
        stages.push(w.typedSearchAttributes.get(SearchAttributes.CycleStage));
      }
      if (stuck.length === 14 && stages.every((s) => s === 'allocation') && stack.proxy!.dropped > 28) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(stuck).toHaveLength(14);
    expect(stages).toEqual(Array(14).fill('allocation'));
    const pending = await stack.client.workflow.getHandle(cityWorkflowId(OUTAGE_MONTH, LANZHOU)).describe();
    // Other activities may be pending beside it (an early warning, on a busy machine's clock).
    const activity = pending.raw.pendingActivities?.find((a) => a.activityType?.name === 'allocate');
    expect(activity?.activityType?.name).toBe('allocate');
    expect(activity?.attempt).toBeGreaterThan(1);
    expect(activity?.lastFailure?.message).toMatch(/disbursement service unreachable/);
    expect(activity?.lastFailure?.applicationFailureInfo?.type).toBe('SERVICE_UNAVAILABLE');
    const allocatedWhileDown = await stack.sql(`select * from disbursement.allocations`);
    expect(allocatedWhileDown).toEqual([]);

    stack.proxy!.unblock();
    const view = await waitFor(stack, OUTAGE_MONTH, (v) => v.status === 'closed', 120_000);
    await expectBalancedMonth(stack, view);
    const allocations = await stack.sql<{ city_code: string; n: string }>(
      `select city_code, count(*)::text as n from disbursement.allocations where month = $1 group by city_code`,
      [OUTAGE_MONTH],
    );
    expect(allocations).toHaveLength(14);
    expect(allocations.every((a) => a.n === '1')).toBe(true);
    const allocationEntries = await stack.sql(
      `select city_code from disbursement.ledger_entries where kind = 'allocation' and month = $1 group by city_code having count(*) > 1`,
      [OUTAGE_MONTH],
    );
    expect(allocationEntries).toEqual([]);
  }, 300_000);
});

describe("the province's payout task unable to reach the disbursement service on the payout day", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Day 12 begins 16.5 s after the start at 1.5 s a day: every city is prepared well before.
    stack = await startTestStack({ beneficiaries: 280, batchSize: 7, dayMs: 1_500, payoutDay: 12, disbursementProxy: true });
  });
  afterAll(() => stack.stop());

  // The province's task retries for its grace (MIN_PROVINCIAL_PAYOUT_GRACE_MS at 1.5 s days), then gives up.
  it('gives up within its grace, tells every city, and each city pays itself exactly once', async () => {
    stack.proxy!.block(/^\/payouts\/[^/]+\/province/);
    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: PROVINCE_DOWN_MONTH })).status).toBe(201);
    await approveEverything(stack, PROVINCE_DOWN_MONTH);
    const view = await waitFor(stack, PROVINCE_DOWN_MONTH, (v) => v.status === 'closed', 120_000);
    await expectBalancedMonth(stack, view);
    expect(await paidTwice(stack)).toEqual([]);
    expect(stack.proxy!.dropped).toBeGreaterThan(0);

    // The province's task failed (it never reached the service); every city heard so and paid itself.
    const province = (await stack.client.workflow.getHandle(cycleWorkflowId(PROVINCE_DOWN_MONTH)).fetchHistory()).events ?? [];
    const scheduled = province.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'payProvince');
    expect(scheduled).toBeDefined();
    const ended = (id: unknown) => Number(id) === Number(scheduled!.eventId);
    expect(province.some((e) => ended(e.activityTaskCompletedEventAttributes?.scheduledEventId))).toBe(false);
    expect(
      province.some(
        (e) =>
          ended(e.activityTaskTimedOutEventAttributes?.scheduledEventId) || ended(e.activityTaskFailedEventAttributes?.scheduledEventId),
      ),
    ).toBe(true);
    for (const city of CITY_CODES) {
      const events = (await stack.client.workflow.getHandle(cityWorkflowId(PROVINCE_DOWN_MONTH, city)).fetchHistory()).events ?? [];
      expect(events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'payCity')).toBe(true);
    }
    const [unpaid] = await stack.sql<{ n: string }>(
      `select count(*)::text as n from disbursement.entitlements where payout_month = $1 and status = 'pending'`,
      [PROVINCE_DOWN_MONTH],
    );
    expect(unpaid!.n).toBe('0');
  }, 200_000);
});
