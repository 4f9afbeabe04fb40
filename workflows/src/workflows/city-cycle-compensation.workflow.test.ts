import { ErrorCode } from '@fund/shared';
import { startWorkflowTestEnvironment, type WorkflowTestEnvironment } from '../testing/environment';
import { stubActivities } from '../testing/stub-activities';
import {
  approvePlan,
  eventually,
  failureOf,
  FINANCE,
  financeDecides,
  hrssDecides,
  startCity,
  statusOf,
  submitPlan,
  waitForStatus,
} from '../testing/drive';

// A later step refused for good undoes the earlier money steps, newest first.

const CITY = '620100';
let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const POOL_REFUSAL = 'the special account refuses the receipt: the transfer was already booked to another month';

describe('cityCycle compensation', () => {
  it('reverses the transfer when the pool refuses the receipt for good, and says why', async () => {
    const stubs = stubActivities();
    stubs.refuse('receiveTransfer', POOL_REFUSAL, ErrorCode.Conflict);
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await eventually('the transfer reversed', () => stubs.count('reverseTransfer') === 1);
      const status = await waitForStatus(handle, 'the last error', (s) => s.lastError !== null);

      expect(status.lastError).toBe(`${ErrorCode.Conflict}: ${POOL_REFUSAL}`);
      expect(status.transferredFen).toBeNull();
      expect(stubs.names().slice(0, 3)).toEqual(['transferCollections', 'receiveTransfer', 'reverseTransfer']);
      expect(stubs.count('receiveTransfer')).toBe(1);
      expect(stubs.argsOf('reverseTransfer')).toEqual([{ month: input.month, cityCode: CITY, attempt: 1 }]);
      expect(stubs.count('fetchDraft')).toBe(0);
    });
  });

  it('releases the budget commitment when the pool cannot reserve, refuses the decision, and takes a new one', async () => {
    const stubs = stubActivities();
    stubs.refuse('reservePool', 'the pool has 120000 fen available, 580000 asked', ErrorCode.InsufficientPool);
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await submitPlan(handle, CITY);
      await hrssDecides(handle, 'approve');

      expect(await failureOf(financeDecides(handle, 'approve'))).toEqual({
        failed: 'WorkflowUpdateFailedError',
        type: ErrorCode.InsufficientPool,
        message: 'the pool has 120000 fen available, 580000 asked',
      });
      expect(stubs.names().slice(-3)).toEqual(['commitBudget', 'reservePool', 'releaseBudget']);
      expect(stubs.argsOf('releaseBudget')).toEqual([{ month: input.month, cityCode: CITY, version: 1 }]);
      const refused = await statusOf(handle);
      expect(refused).toMatchObject({
        stage: 'finance_review',
        waitingFor: 'finance_reviewer',
        plan: { version: 1, status: 'hrss_approved' },
      });
      expect(refused.decisions.map((d) => d.step)).toEqual(['submission', 'hrss_review']);

      stubs.restore('reservePool');
      await financeDecides(handle, 'approve');
      await handle.result();
      expect([stubs.count('commitBudget'), stubs.count('reservePool'), stubs.count('releaseBudget'), stubs.count('releasePool')]).toEqual([
        2, 2, 1, 0,
      ]);
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', plan: { status: 'approved' }, allocatedFen: '580000' });
    });
  });

  it('releases the pool reservation, then the budget commitment, when the finance review cannot be recorded', async () => {
    const stubs = stubActivities();
    const refusal = 'the review record of this plan version is closed';
    stubs.refuseWhen('recordReview', (review) => review.step === 'finance_review', refusal, ErrorCode.Conflict);
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await submitPlan(handle, CITY);
      await hrssDecides(handle, 'approve');

      expect(await failureOf(financeDecides(handle, 'approve'))).toEqual({
        failed: 'WorkflowUpdateFailedError',
        type: ErrorCode.Conflict,
        message: refusal,
      });
      expect(stubs.names().slice(-5)).toEqual(['commitBudget', 'reservePool', 'recordReview', 'releasePool', 'releaseBudget']);
      expect(stubs.argsOf('releasePool')).toEqual([{ month: input.month, cityCode: CITY, version: 1 }]);
      expect(stubs.argsOf('releaseBudget')).toEqual([{ month: input.month, cityCode: CITY, version: 1 }]);
      expect(await statusOf(handle)).toMatchObject({ stage: 'finance_review', plan: { version: 1, status: 'hrss_approved' } });

      stubs.restore('recordReview');
      await financeDecides(handle, 'approve');
      await handle.result();
      expect(
        stubs
          .argsOf('recordReview')
          .filter((r) => r.step === 'finance_review')
          .map((r) => r.actor),
      ).toEqual([FINANCE, FINANCE]);
      expect((await statusOf(handle)).stage).toBe('closed');
    });
  });

  it('rides out a service that is down: the step retries and the city goes on', async () => {
    const stubs = stubActivities();
    stubs.failTimes('preparePayout', 2);
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await approvePlan(handle, CITY);
      await handle.result();
      expect(stubs.count('preparePayout')).toBe(3);
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', lastError: null });
    });
  });
});
