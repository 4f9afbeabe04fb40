import { lateRepaymentWorkflowId, WorkflowNames, type LateRepaymentInput, type LateRepaymentResult } from '@fund/shared';
import { startWorkflowTestEnvironment, type WorkflowTestEnvironment } from '../testing/environment';
import { progress, stubActivities } from '../testing/stub-activities';
import { testSettings, uniqueMonth } from '../testing/drive';

// A re-payment asked for after the city's month closed: one repay under its own key, and the payout as it now stands.

const CITY = '620100';
let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

describe('lateRepayment', () => {
  it('pays again once and answers with the repay and the payout after it', async () => {
    const stubs = stubActivities();
    const repay = { repaid: 2, repaidFen: '80000', stillFailed: 1 };
    stubs.answer('repayReturned', repay);
    stubs.answer('payoutProgress', progress(11, 1));
    await env.withWorker(stubs, async (taskQueue) => {
      const month = uniqueMonth();
      const input: LateRepaymentInput = { month, cityCode: CITY, settings: testSettings() };
      const result = (await env.client.workflow.execute(WorkflowNames.lateRepayment, {
        taskQueue,
        workflowId: lateRepaymentWorkflowId(month, CITY, 'request-1'),
        args: [input],
      })) as LateRepaymentResult;

      expect(result).toEqual({ repay, payout: progress(11, 1) });
      expect(stubs.calls.map((c) => [c.name, c.args[0]])).toEqual([
        ['repayReturned', { month, cityCode: CITY, attempt: 1 }],
        ['payoutProgress', { month, cityCode: CITY }],
      ]);
    });
  });
});
