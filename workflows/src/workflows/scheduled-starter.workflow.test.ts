import {
  computeDeadlines,
  cycleWorkflowId,
  monthOf,
  SearchAttributes,
  WorkflowNames,
  type CycleClock,
  type MonthlyCycleInput,
  type ProvinceReconciliation,
} from '@fund/shared';
import type { ScheduledStarterInput } from './scheduled-starter';
import { startWorkflowTestEnvironment, type WorkflowTestEnvironment } from '../testing/environment';
import { stubActivities } from '../testing/stub-activities';
import { inputOf, testSettings } from '../testing/drive';

// What the monthly Schedule starts on day 1: the month's province cycle, or nothing when it runs already.

const CLOCK: CycleClock = { kind: 'compressed', dayMs: 60_000 };
let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

describe('scheduledCycleStarter', () => {
  it("starts the month's cycle with deadlines from its own start, and answers 'not started' when the month has one", async () => {
    const stubs = stubActivities();
    await env.withWorker(stubs, async (taskQueue) => {
      // No cities: the province's month closes at once, so the test sees the cycle the starter started end.
      const input: ScheduledStarterInput = { clock: CLOCK, cityCodes: [], settings: testSettings() };
      const starter = await env.client.workflow.start(WorkflowNames.scheduledCycleStarter, {
        taskQueue,
        workflowId: 'cycle-monthly-run-1',
        args: [input],
      });
      const answer = (await starter.result()) as { month: string; started: boolean };
      const startedAt = (await starter.describe()).startTime;
      expect(answer).toEqual({ month: monthOf(startedAt), started: true });

      const cycle = env.client.workflow.getHandle(cycleWorkflowId(answer.month));
      const report = (await cycle.result()) as ProvinceReconciliation;
      expect(report).toMatchObject({ month: answer.month, cities: [], balanced: true });
      expect(stubs.argsOf('storeReport')).toEqual([{ month: answer.month, report }]);
      expect((await inputOf<MonthlyCycleInput>(cycle)).deadlines).toEqual(computeDeadlines(answer.month, startedAt, CLOCK));
      const described = await cycle.describe();
      expect(described.type).toBe(WorkflowNames.monthlyCycle);
      expect(described.typedSearchAttributes.get(SearchAttributes.CycleMonth)).toBe(answer.month);

      const again = await env.client.workflow.execute(WorkflowNames.scheduledCycleStarter, {
        taskQueue,
        workflowId: 'cycle-monthly-run-2',
        args: [input],
      });
      expect(again).toEqual({ month: answer.month, started: false });
    });
  });
});
