import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { CITY_CODES, cityWorkflowId, cycleWorkflowId, SearchAttributes } from '@fund/shared';
import { approveEverything, expectBalancedMonth, waitFor } from './drive';
import { startTestStack, type TestStack } from './stack';

// Months used by this file only: workflow ids are business keys shared by the whole namespace.
const MONTH = '2027-03';
const RESTART_MONTH = '2027-04';
/**
 * The clock is the test's input, and the payout day its signal: day 18 would begin 17 minutes after
 * the start, so every city holds its prepared payout for it (a state that lasts until the day), and
 * the test then begins the day early, as the provincial agency may. No returned payments (every
 * account valid), so each city closes once paid. Nothing below waits to observe a passing moment:
 * the holds last, and each claim is read afterwards from the histories and the ledger.
 */
const DAY_MS = 60_000;
const PAYOUT_DAY = 18;

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
const eventMs = (e: HistoryEvent) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
const scheduledActivity = (e: HistoryEvent) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? null;
/** The value a search attribute upsert event sets for `key`, if it sets it. */
const upserted = (e: HistoryEvent, key: string): unknown => {
  const payload = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[key];
  return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
};

describe('the monthly cycle end to end (real Temporal, PostgreSQL, HTTP)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ beneficiaries: 280, batchSize: 7, dayMs: DAY_MS, payoutDay: PAYOUT_DAY });
  });
  afterAll(() => stack.stop());

  it('closes a month for all 14 cities, paid together on the payout day, with a balanced reconciliation; a second start gives the same cycle', async () => {
    await stack.sql(`update disbursement.beneficiaries set bank_status = 'valid' where bank_status = 'invalid'`);
    const requested = Date.now();
    const first = await stack.api('POST', '/cycles', 'provincial_agency', { month: MONTH });
    const answered = Date.now();
    expect(first.status).toBe(201);
    expect(first.body.workflowId).toBe(cycleWorkflowId(MONTH));

    const again = await stack.api('POST', '/cycles', 'provincial_agency', { month: MONTH });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);

    await approveEverything(stack, MONTH);
    // Every city prepared and holding for the payout day, nobody paid yet.
    await waitFor(
      stack,
      MONTH,
      (v) => v.cities.length === CITY_CODES.length && v.cities.every((c) => c.waitingFor === 'payout_day'),
      600_000,
    );
    expect(await stack.sql(`select id from disbursement.payments where month = $1`, [MONTH])).toEqual([]);
    // The provincial agency begins the day now; once only, and the decision is audited.
    const begun = await stack.api(
      'POST',
      `/cycles/${MONTH}/payout-day`,
      'provincial_agency',
      { reason: 'every city is prepared' },
      { userId: 'agency-pa' },
    );
    expect(begun.status).toBe(200);
    expect(begun.body.payoutDayBegun).toMatchObject({ userId: 'agency-pa', reason: 'every city is prepared' });
    const begunAt = Date.parse(begun.body.payoutDayBegun.at);
    const twice = await stack.api('POST', `/cycles/${MONTH}/payout-day`, 'operator', {});
    expect(twice.status).toBe(422);
    expect(twice.body.error.message).toMatch(/already begun by agency-pa/);
    const audited = await stack.sql<{ outcome: string; user_id: string }>(
      `select outcome, user_id from budget.audit_events where month = $1 and action = 'begin_payout_day' order by id`,
      [MONTH],
    );
    expect(audited).toEqual([
      { outcome: 'accepted', user_id: 'agency-pa' },
      { outcome: 'refused', user_id: 'test-operator' },
    ]);
    const view = await waitFor(stack, MONTH, (v) => v.status === 'closed', 150_000);
    expect(view.cities.map((c) => c.cityCode).sort()).toEqual([...CITY_CODES].sort());
    expect(view.cities.every((c) => c.stage === 'closed')).toBe(true);
    await expectBalancedMonth(stack, view);

    // Every city was given the one payout day of the province: day PAYOUT_DAY of the clock begun at the start.
    const payoutDay = view.cities[0]!.payoutDay!;
    expect(view.cities.every((c) => c.payoutDay === payoutDay)).toBe(true);
    const offset = (PAYOUT_DAY - 1) * DAY_MS;
    expect(Date.parse(payoutDay)).toBeGreaterThanOrEqual(requested + offset);
    expect(Date.parse(payoutDay)).toBeLessThanOrEqual(answered + offset);

    // One province run, one run per city.
    const runs = [];
    for await (const w of stack.client.workflow.list({ query: `CycleMonth = '${MONTH}'` })) runs.push(w.workflowId);
    expect(runs.sort()).toEqual([cycleWorkflowId(MONTH), ...CITY_CODES.map((c) => cityWorkflowId(MONTH, c))].sort());

    // Every beneficiary due a payment was paid exactly once.
    const paidTwice = await stack.sql(
      `select entitlement_id from disbursement.payments where status = 'paid' group by entitlement_id having count(*) > 1`,
    );
    expect(paidTwice).toEqual([]);
    // Nobody was paid before the payout day began.
    const [earliest] = await stack.sql<{ at: Date }>(`select min(created_at) as at from disbursement.payments where month = $1`, [MONTH]);
    expect(earliest!.at.getTime()).toBeGreaterThanOrEqual(begunAt);

    // The province paid every city in one task begun when the day was begun. Each city, prepared before
    // the day began, held its payout for it (WaitingFor = 'payout_day', nothing paid yet), then
    // recorded the province's word and ran no payout activity of its own.
    const province = (await stack.client.workflow.getHandle(cycleWorkflowId(MONTH)).fetchHistory()).events ?? [];
    const payProvince = province.filter((e) => scheduledActivity(e) === 'payProvince');
    expect(payProvince).toHaveLength(1);
    const started = province.find(
      (e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(payProvince[0]!.eventId),
    )!;
    expect(eventMs(started)).toBeGreaterThanOrEqual(begunAt);
    expect(eventMs(started)).toBeLessThan(Date.parse(payoutDay));
    for (const city of CITY_CODES) {
      const events = (await stack.client.workflow.getHandle(cityWorkflowId(MONTH, city)).fetchHistory()).events ?? [];
      const preparing = events.find((e) => scheduledActivity(e) === 'preparePayout');
      const prepared = events.find(
        (e) => preparing && Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(preparing.eventId),
      );
      const hold = events.find((e) => upserted(e, SearchAttributes.WaitingFor.name) === 'payout_day');
      const words = events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'provincialPayout');
      expect({ city, prepared: !!prepared, held: !!hold, words: words.length }).toEqual({ city, prepared: true, held: true, words: 1 });
      expect(upserted(hold!, SearchAttributes.CycleStage.name)).toBe('payout');
      expect({ city, heldBeforeTheDayBegan: eventMs(hold!) < begunAt }).toEqual({ city, heldBeforeTheDayBegan: true });
      expect(Number(prepared!.eventId)).toBeLessThan(Number(hold!.eventId));
      expect(Number(hold!.eventId)).toBeLessThan(Number(words[0]!.eventId));
      expect(events.map(scheduledActivity)).not.toContain('payCity');
    }

    // The stored report says the same as the workflow.
    const report = await stack.api('GET', `/reports/${MONTH}`, 'operator');
    expect(report.status).toBe(200);
    expect(report.body.report.balanced).toBe(true);
  });
});

void RESTART_MONTH;
