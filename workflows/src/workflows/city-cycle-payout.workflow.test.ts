import { provincialPayoutSignal, repayReturnedUpdate, returnedPaymentsQuery, type ReturnedPayees } from '@fund/shared';
import { startWorkflowTestEnvironment, type WorkflowTestEnvironment } from '../testing/environment';
import { progress, stubActivities } from '../testing/stub-activities';
import {
  agencyOf,
  approvePlan,
  deadlinesIn,
  OPERATOR,
  refusal,
  scheduledAt,
  startCity,
  statusOf,
  waitedForPayoutDay,
  waitForStatus,
  withPayoutDayAhead,
} from '../testing/drive';

// The payout stage: the province's payout day, and payments the bank returned.

const CITY = '620100';
const MINUTE = 60_000;
/** Room for every try of withPayoutDayAhead on a busy machine. */
const RETRIES_TIMEOUT_MS = 150_000;
let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('cityCycle on the province payout day', () => {
  it('waits for the payout day, takes the progress the province paid, and never pays itself', async () => {
    const stubs = stubActivities();
    await env.withWorker(stubs, async (taskQueue) => {
      const payoutDay = inMs(10 * MINUTE);
      const { handle } = await startCity(env.client, taskQueue, {
        cityCode: CITY,
        settings: { payoutDay, provincialPayoutGraceMs: MINUTE },
      });
      await approvePlan(handle, CITY);
      const waiting = await waitForStatus(handle, 'the payout day', (s) => s.waitingFor === 'payout_day');
      expect(waiting).toMatchObject({ stage: 'payout', payoutDay });
      expect(stubs.count('preparePayout')).toBe(1);

      const paid = progress(30);
      await handle.signal(provincialPayoutSignal, { cityCode: CITY, outcome: 'paid', batches: 2, progress: paid });
      await handle.result();
      expect(stubs.count('payCity')).toBe(0);
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', payout: paid });
    });
  });

  it('pays itself when the province says its payout failed for the city', async () => {
    const stubs = stubActivities();
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, {
        cityCode: CITY,
        settings: { payoutDay: inMs(10 * MINUTE), provincialPayoutGraceMs: MINUTE },
      });
      await approvePlan(handle, CITY);
      await waitForStatus(handle, 'the payout day', (s) => s.waitingFor === 'payout_day');
      await handle.signal(provincialPayoutSignal, { cityCode: CITY, outcome: 'failed', error: 'the bank gateway refused the file' });
      await handle.result();
      expect(stubs.argsOf('payCity')).toEqual([{ month: input.month, cityCode: CITY, batchSize: 100 }]);
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', payout: progress(12) });
    });
  });

  it(
    'pays itself when no word from the province comes within the grace past the payout day',
    async () => {
      const graceMs = 500;
      const { stubs, handle, payoutDay, status } = await withPayoutDayAhead(async (payoutDay) => {
        const stubs = stubActivities();
        return env.withWorker(stubs, async (taskQueue) => {
          const { handle } = await startCity(env.client, taskQueue, {
            cityCode: CITY,
            settings: { payoutDay, provincialPayoutGraceMs: graceMs },
          });
          await approvePlan(handle, CITY);
          await handle.result();
          return { waited: await waitedForPayoutDay(handle), outcome: { stubs, handle, payoutDay, status: await statusOf(handle) } };
        });
      });
      expect(stubs.count('payCity')).toBe(1);
      const [payingAt] = await scheduledAt(handle, 'payCity');
      expect(payingAt).toBeGreaterThanOrEqual(Date.parse(payoutDay) + graceMs);
      expect(status).toMatchObject({ stage: 'closed', payout: progress(12) });
    },
    RETRIES_TIMEOUT_MS,
  );

  it('pays at once when it is prepared after the payout day began', async () => {
    const stubs = stubActivities();
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle } = await startCity(env.client, taskQueue, {
        cityCode: CITY,
        settings: { payoutDay: inMs(-MINUTE), provincialPayoutGraceMs: MINUTE },
      });
      await approvePlan(handle, CITY);
      await handle.result();
      expect(await waitedForPayoutDay(handle)).toBe(false);
      expect(stubs.count('payCity')).toBe(1);
    });
  });
});

describe('cityCycle returned payments', () => {
  /** The disbursement service's list of returned payees: `counts[n]` of them at the n-th call. */
  const returnedPayees =
    (...counts: number[]) =>
    async ({ month, cityCode }: { month: string; cityCode: string }): Promise<ReturnedPayees> => {
      const count = counts.length > 1 ? counts.shift()! : counts[0]!;
      return { month, cityCode, count, returnedFen: String(count * 40_000), payees: [] };
    };

  it('waits for the city agency, pays again on each repay until none is returned, then closes', async () => {
    const stubs = stubActivities();
    stubs.answer('payCity', progress(10, 2));
    stubs.set('returnedPayees', returnedPayees(2, 1));
    stubs.answer('repayReturned', { repaid: 1, repaidFen: '40000', stillFailed: 1 }, { repaid: 1, repaidFen: '40000', stillFailed: 0 });
    stubs.answer('payoutProgress', progress(11, 1), progress(12, 0));
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await approvePlan(handle, CITY);
      const waiting = await waitForStatus(handle, 'returned payments', (s) => s.waitingFor === 'city_agency');
      expect(waiting).toMatchObject({ stage: 'payout', payout: progress(10, 2) });
      expect(await handle.query(returnedPaymentsQuery)).toMatchObject({ count: 2 });

      const otherCity = agencyOf('620200');
      expect(await refusal(handle.executeUpdate(repayReturnedUpdate, { args: [{ actor: otherCity }] }))).toMatch(
        'a city_agency may not pay returned payments again for 620100',
      );
      const first = await handle.executeUpdate(repayReturnedUpdate, { args: [{ actor: OPERATOR }] });
      expect(first).toMatchObject({ stage: 'payout', waitingFor: 'city_agency', payout: progress(11, 1) });
      expect(await handle.query(returnedPaymentsQuery)).toMatchObject({ count: 1 });
      await handle.executeUpdate(repayReturnedUpdate, { args: [{ actor: agencyOf(CITY) }] });
      await handle.result();

      expect(stubs.argsOf('repayReturned')).toEqual([
        { month: input.month, cityCode: CITY, attempt: 1 },
        { month: input.month, cityCode: CITY, attempt: 2 },
      ]);
      expect(stubs.count('payoutProgress')).toBe(2);
      expect(stubs.count('returnedPayees')).toBe(2);
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', payout: progress(12, 0) });
      expect(await handle.query(returnedPaymentsQuery)).toBeNull();
    });
  });

  it('closes at the payout deadline with the returned payments left counted as returned', async () => {
    const stubs = stubActivities();
    stubs.answer('payCity', progress(10, 2));
    stubs.set('returnedPayees', returnedPayees(2));
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle } = await startCity(env.client, taskQueue, { cityCode: CITY, deadlines: deadlinesIn({ payout: 3_000 }) });
      await approvePlan(handle, CITY);
      await handle.result();
      expect(stubs.count('repayReturned')).toBe(0);
      expect(stubs.count('reconcileCity')).toBe(1);
      expect(await statusOf(handle)).toMatchObject({ stage: 'closed', payout: progress(10, 2) });
    });
  });
});
