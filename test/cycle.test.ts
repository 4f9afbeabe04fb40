import { CITY_CODES, cityWorkflowId, cycleWorkflowId, type CityStatus } from '@fund/shared';
import { approveEverything, expectBalancedMonth, waitFor } from './drive';
import { startTestStack, type TestStack } from './stack';

// Months used by this file only: workflow ids are business keys shared by the whole namespace.
const MONTH = '2027-03';
const RESTART_MONTH = '2027-04';
/** Day 12 begins 22 s after the start at 2 s a day: every city is approved and prepared well before. */
const PAYOUT_DAY = 12;

describe('the monthly cycle end to end (real Temporal, PostgreSQL, HTTP)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ beneficiaries: 280, batchSize: 7, dayMs: 2_000, payoutDay: PAYOUT_DAY });
  });
  afterAll(() => stack.stop());

  it('closes a month for all 14 cities, paid together on the payout day, with a balanced reconciliation; a second start gives the same cycle', async () => {
    const first = await stack.api('POST', '/cycles', 'provincial_agency', { month: MONTH });
    expect(first.status).toBe(201);
    expect(first.body.workflowId).toBe(cycleWorkflowId(MONTH));

    const again = await stack.api('POST', '/cycles', 'provincial_agency', { month: MONTH });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);

    await approveEverything(stack, MONTH);
    // Prepared cities hold their payout for the province's payout day, nothing paid yet.
    const holding = await waitFor(stack, MONTH, (v) => v.cities.some((c) => c.waitingFor === 'payout_day'), 60_000);
    const payoutDay = holding.cities[0]!.payoutDay!;
    expect(holding.cities.every((c: CityStatus) => c.payoutDay === payoutDay)).toBe(true);
    const waiting = holding.cities.find((c) => c.waitingFor === 'payout_day')!;
    expect(waiting).toMatchObject({ stage: 'payout', payout: null });
    const view = await waitFor(stack, MONTH, (v) => v.status === 'closed', 150_000);
    expect(view.cities.map((c) => c.cityCode).sort()).toEqual([...CITY_CODES].sort());
    expect(view.cities.every((c) => c.stage === 'closed')).toBe(true);
    await expectBalancedMonth(stack, view);

    // One province run, one run per city.
    const runs = [];
    for await (const w of stack.client.workflow.list({ query: `CycleMonth = '${MONTH}'` })) runs.push(w.workflowId);
    expect(runs.sort()).toEqual([cycleWorkflowId(MONTH), ...CITY_CODES.map((c) => cityWorkflowId(MONTH, c))].sort());

    // Every beneficiary due a payment was paid exactly once.
    const twice = await stack.sql(
      `select entitlement_id from disbursement.payments where status = 'paid' group by entitlement_id having count(*) > 1`,
    );
    expect(twice).toEqual([]);
    // Nobody was paid before the payout day began.
    const [earliest] = await stack.sql<{ at: Date }>(`select min(created_at) as at from disbursement.payments where month = $1`, [MONTH]);
    expect(earliest!.at.getTime()).toBeGreaterThanOrEqual(Date.parse(payoutDay));

    // The province paid every city in one task begun on the payout day; each city recorded its word
    // and ran no payout activity of its own.
    const activities = (events: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null }[]) =>
      events.flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
    const province = (await stack.client.workflow.getHandle(cycleWorkflowId(MONTH)).fetchHistory()).events ?? [];
    expect(activities(province).filter((a) => a === 'payProvince')).toHaveLength(1);
    const scheduled = province.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'payProvince')!;
    const started = province.find((e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(scheduled.eventId))!;
    expect(Number(started.eventTime!.seconds) * 1000 + Math.floor((started.eventTime!.nanos ?? 0) / 1e6)).toBeGreaterThanOrEqual(Date.parse(payoutDay));
    for (const city of CITY_CODES) {
      const events = (await stack.client.workflow.getHandle(cityWorkflowId(MONTH, city)).fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'provincialPayout')).toHaveLength(1);
      expect(activities(events)).not.toContain('payCity');
    }

    // The stored report says the same as the workflow.
    const report = await stack.api('GET', `/reports/${MONTH}`, 'operator');
    expect(report.status).toBe(200);
    expect(report.body.report.balanced).toBe(true);
  });
});

void RESTART_MONTH;
