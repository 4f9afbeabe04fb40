import { closeCityUpdate, ErrorCode, retryStepUpdate, type CityReconciliation } from '@fund/shared';
import { startWorkflowTestEnvironment, type WorkflowTestEnvironment } from '../testing/environment';
import { stubActivities } from '../testing/stub-activities';
import {
  approvePlan,
  eventually,
  HRSS,
  OPERATOR,
  refusal,
  startCity,
  statusOf,
  waitForStatus,
  type WorkflowHandle,
} from '../testing/drive';

// A step refused for good stops the city at its stage until an operator retries it or closes the city.

const CITY = '620400';
let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const waitingForOperator = (handle: WorkflowHandle) => waitForStatus(handle, 'the operator', (s) => s.waitingFor === 'operator');
const retry = (handle: WorkflowHandle, reason = 'cause fixed') =>
  handle.executeUpdate(retryStepUpdate, { args: [{ actor: OPERATOR, reason }] });
const close = (handle: WorkflowHandle, reason: string) => handle.executeUpdate(closeCityUpdate, { args: [{ actor: OPERATOR, reason }] });

describe('cityCycle: a step that fails for good waits for an operator', () => {
  it('a refused receipt is reversed; the city waits at transfer; a retry is a new transfer (attempt 2) and the month goes on', async () => {
    const stubs = stubActivities();
    stubs.refuse('receiveTransfer', 'the special account is closed for the day', ErrorCode.Conflict);
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY });
      const stuck = await waitingForOperator(handle);
      expect(stuck).toMatchObject({
        stage: 'transfer',
        failure: {
          stage: 'transfer',
          step: 'transfer',
          attempt: 1,
          error: `${ErrorCode.Conflict}: the special account is closed for the day`,
        },
        transferredFen: null,
      });
      expect(stubs.argsOf('reverseTransfer')).toEqual([{ month: input.month, cityCode: CITY, attempt: 1 }]);
      // Only an operator decides, and only once.
      expect(await refusal(handle.executeUpdate(retryStepUpdate, { args: [{ actor: HRSS }] }))).toMatch(/only an operator may do this/);
      expect(await refusal(close(handle, ''))).toMatch(/a reason is required to close a city/);

      stubs.restore('receiveTransfer');
      const retried = await retry(handle, 'the special account reopened');
      expect(retried.operatorDecisions).toEqual([
        expect.objectContaining({ action: 'retry', stage: 'transfer', step: 'transfer', userId: OPERATOR.userId }),
      ]);
      const planning = await waitForStatus(handle, 'the plan stage', (s) => s.stage === 'plan' && s.waitingFor === 'city_agency');
      expect(planning).toMatchObject({ failure: null, lastError: null, waitingFor: 'city_agency', transferredFen: '1250000' });
      expect(stubs.argsOf('transferCollections').map((a) => a.attempt)).toEqual([1, 2]);
      expect(stubs.argsOf('receiveTransfer').map((a) => a.attempt)).toEqual([1, 2]);
      expect(await refusal(retry(handle))).toMatch(/nothing waits for an operator/);
    });
  });

  it('a refused allocation, closed by the operator: the reservation and the commitment go back, newest first, and the close says why', async () => {
    const stubs = stubActivities();
    stubs.refuse('allocate', 'idempotency key was already used for a different request', ErrorCode.IdempotencyConflict);
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await approvePlan(handle, CITY);
      expect(await waitingForOperator(handle)).toMatchObject({ stage: 'allocation', failure: { step: 'allocate', attempt: 1 } });
      expect(stubs.count('releasePool')).toBe(0);

      await close(handle, 'records of a lost Temporal store');
      const result = (await handle.result()) as CityReconciliation;
      expect(stubs.names().slice(-3)).toEqual(['releasePool', 'releaseBudget', 'reconcileCity']);
      expect(stubs.argsOf('releasePool')).toEqual([{ month: input.month, cityCode: CITY, version: 1 }]);
      expect(stubs.argsOf('reconcileCity')).toEqual([{ month: input.month, cityCode: CITY, approvedFen: '0' }]);
      expect(result.closure).toMatchObject({
        stage: 'allocation',
        step: 'allocate',
        reason: 'records of a lost Temporal store',
        closedBy: OPERATOR.userId,
        released: { pool: true, budget: true },
      });
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', waitingFor: 'nobody', closure: { closedBy: OPERATOR.userId } });
      expect(stubs.count('preparePayout')).toBe(0);
    });
  });

  it('a reconciliation that cannot run at the close is stated, not a failure of the month', async () => {
    const stubs = stubActivities();
    stubs.refuse('fetchDraft', 'no yearly parameters are loaded for 2030', ErrorCode.ValidationFailed);
    stubs.refuse('reconcileCity', 'transfer of 620400 not found', ErrorCode.NotFound);
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle } = await startCity(env.client, taskQueue, { cityCode: CITY });
      expect(await waitingForOperator(handle)).toMatchObject({ stage: 'plan', failure: { stage: 'plan', step: 'fetchDraft' } });
      await close(handle, 'the year is not loaded yet');
      const result = (await handle.result()) as CityReconciliation;
      expect(result.balanced).toBe(false);
      expect(result.checks).toEqual([expect.objectContaining({ name: 'reconciliation ran', ok: false })]);
      expect(result.closure).toMatchObject({ step: 'fetchDraft', released: { pool: false, budget: false } });
    });
  });

  it('a cancelled city gives back what its approved, unallocated plan holds', async () => {
    const stubs = stubActivities();
    const held = stubs.hold('allocate');
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await approvePlan(handle, CITY);
      await eventually('the allocation under way', () => stubs.count('allocate') === 1);
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow(/Workflow execution cancelled/);
      await eventually('the release', () => stubs.count('releaseBudget') === 1);
      expect(stubs.argsOf('releasePool')).toEqual([{ month: input.month, cityCode: CITY, version: 1 }]);
      expect(stubs.names().indexOf('releasePool')).toBeLessThan(stubs.names().indexOf('releaseBudget'));
      held.release();
    });
  });
});
