import { SearchAttributes, type DeadlineStage, type WaitingFor } from '@fund/shared';
import { startWorkflowTestEnvironment, type WorkflowTestEnvironment } from '../testing/environment';
import { stubActivities } from '../testing/stub-activities';
import {
  approvePlan,
  deadlinesIn,
  eventually,
  financeDecides,
  hrssDecides,
  startCity,
  statusOf,
  submitPlan,
  waitForStatus,
} from '../testing/drive';

// Deadlines are inputs: a stage whose deadline has passed (or passes a second in) is overdue at once.

const CITY = '620100';
const HOUR = 3_600_000;
let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

describe('cityCycle overdue at each stage', () => {
  it('marks the transfer overdue while the collection service is still working a second past the deadline, then goes on', async () => {
    const stubs = stubActivities();
    const slow = stubs.hold('transferCollections');
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY, deadlines: deadlinesIn({ transfer: 1_000 }) });
      const overdue = await waitForStatus(handle, 'the transfer overdue', (s) => s.overdue);
      expect(overdue).toMatchObject({ stage: 'transfer', waitingFor: 'collection', overdueStages: ['transfer'] });
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttributes.Overdue)).toBe(true);
      slow.release();

      await approvePlan(handle, CITY);
      await handle.result();
      const notices = stubs.argsOf('notifyOverdue');
      expect(notices[0]).toEqual({
        month: input.month,
        cityCode: CITY,
        stage: 'transfer',
        deadline: input.deadlines.transfer,
        waitingFor: 'collection',
      });
      // The pool's receipt belongs to the transfer stage too, so it may be noticed again, never for another stage.
      expect(new Set(notices.map((n) => n.stage))).toEqual(new Set(['transfer']));
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', overdueStages: ['transfer'] });
    });
  });

  const humanStages: [DeadlineStage, WaitingFor, (handle: Parameters<typeof submitPlan>[0]) => Promise<unknown>][] = [
    ['plan', 'city_agency', (handle) => submitPlan(handle, CITY)],
    ['hrss_review', 'hrss_reviewer', (handle) => hrssDecides(handle, 'approve')],
    ['finance_review', 'finance_reviewer', (handle) => financeDecides(handle, 'approve')],
  ];
  it.each(humanStages)(
    'marks %s overdue when its deadline has passed, keeps waiting for the %s, and closes after the decision',
    async (stage, waitingFor, decide) => {
      const stubs = stubActivities();
      await env.withWorker(stubs, async (taskQueue) => {
        const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY, deadlines: deadlinesIn({ [stage]: -1_000 }) });
        const steps = humanStages.map(([, , step]) => step);
        for (const step of steps.slice(0, steps.indexOf(decide))) await step(handle);

        const overdue = await waitForStatus(handle, `${stage} overdue`, (s) => s.stage === stage && s.overdue);
        expect(overdue).toMatchObject({ waitingFor, overdueStages: [stage], deadline: input.deadlines[stage] });
        await eventually('the overdue notice', () => stubs.count('notifyOverdue') === 1);
        const attributes = (await handle.describe()).typedSearchAttributes;
        expect([attributes.get(SearchAttributes.CycleStage), attributes.get(SearchAttributes.Overdue)]).toEqual([stage, true]);

        for (const step of steps.slice(steps.indexOf(decide))) await step(handle);
        await handle.result();
        expect(stubs.argsOf('notifyOverdue')).toEqual([
          { month: input.month, cityCode: CITY, stage, deadline: input.deadlines[stage], waitingFor },
        ]);
        expect(await statusOf(handle)).toMatchObject({ stage: 'closed', overdue: false, overdueStages: [stage] });
        expect(stubs.count('allocate')).toBe(1);
      });
    },
  );

  const automatedStages: [DeadlineStage, 'allocate' | 'payCity'][] = [
    ['allocation', 'allocate'],
    ['payout', 'payCity'],
  ];
  it.each(automatedStages)(
    'marks %s overdue while %s is still working past the deadline, and closes once it answers',
    async (stage, activity) => {
      const stubs = stubActivities();
      const slow = stubs.hold(activity);
      await env.withWorker(stubs, async (taskQueue) => {
        const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY, deadlines: deadlinesIn({ [stage]: -1_000 }) });
        await approvePlan(handle, CITY);
        const overdue = await waitForStatus(handle, `${stage} overdue`, (s) => s.stage === stage && s.overdue);
        expect(overdue).toMatchObject({ waitingFor: 'disbursement', overdueStages: [stage], deadline: input.deadlines[stage] });
        await eventually('the overdue notice', () => stubs.count('notifyOverdue') === 1);
        slow.release();

        await handle.result();
        expect(stubs.argsOf('notifyOverdue')).toEqual([
          { month: input.month, cityCode: CITY, stage, deadline: input.deadlines[stage], waitingFor: 'disbursement' },
        ]);
        expect(stubs.count(activity)).toBe(1);
        expect(await statusOf(handle)).toMatchObject({
          stage: 'closed',
          overdueStages: [stage],
          allocatedFen: '580000',
          payout: { paid: 12 },
        });
      });
    },
  );
});

describe('cityCycle payout early warning', () => {
  it('warns once that the payout is at risk when the warning time passes before the payout is complete', async () => {
    const stubs = stubActivities();
    const paying = stubs.hold('payCity');
    await env.withWorker(stubs, async (taskQueue) => {
      // The warning time is 1.5 s in; the payout cannot complete before the test releases it.
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY, settings: { payoutWarningLeadMs: HOUR - 1_500 } });
      await approvePlan(handle, CITY);
      await waitForStatus(handle, 'the early warning', (s) => s.payoutAtRisk === true);
      await eventually('the warning sent', () => stubs.count('warnPayoutAtRisk') === 1);
      paying.release();
      await handle.result();

      const [warning] = stubs.argsOf('warnPayoutAtRisk');
      expect(warning).toMatchObject({ month: input.month, cityCode: CITY, deadline: input.deadlines.payout });
      expect(stubs.count('warnPayoutAtRisk')).toBe(1);
      expect(stubs.count('notifyOverdue')).toBe(0);
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', payoutAtRisk: true });
    });
  });

  it('never warns when the payout completes before the warning time', async () => {
    const stubs = stubActivities();
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle } = await startCity(env.client, taskQueue, { cityCode: CITY, settings: { payoutWarningLeadMs: HOUR / 2 } });
      await approvePlan(handle, CITY);
      await handle.result();
      expect(stubs.count('warnPayoutAtRisk')).toBe(0);
      expect((await statusOf(handle)).payoutAtRisk).toBeUndefined();
    });
  });
});
