import {
  cityWorkflowId,
  cycleStatusQuery,
  cycleWorkflowId,
  ErrorCode,
  WorkflowNames,
  type CityStatus,
  type CycleStatus,
  type MonthlyCycleInput,
  type ProvinceReconciliation,
} from '@fund/shared';
import { startWorkflowTestEnvironment, type WorkflowTestEnvironment } from '../testing/environment';
import { progress, stubActivities, type StubActivities } from '../testing/stub-activities';
import { approvePlan, deadlinesIn, statusOf, testSettings, uniqueMonth, waitedForPayoutDay, withPayoutDayAhead } from '../testing/drive';

// The province's month: one child per city, and the payout day on which one task pays them all.

const CITIES = ['620100', '620200'];
const GRACE_MS = 30_000;
/** Room for every try of withPayoutDayAhead on a busy machine. */
const RETRIES_TIMEOUT_MS = 150_000;
let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

interface ProvinceRun {
  stubs: StubActivities;
  input: MonthlyCycleInput;
  result: ProvinceReconciliation;
  /** The province's status query at its close. */
  province: CycleStatus;
  /** Each city's status query at its close, in the order of CITIES. */
  cities: CityStatus[];
}

/** Runs a province's month with its payout day, every city approved as soon as it can be. */
async function runProvince(prepare: (stubs: StubActivities) => void): Promise<ProvinceRun> {
  return withPayoutDayAhead(
    async (payoutDay) => {
      const stubs = stubActivities();
      prepare(stubs);
      return env.withWorker(stubs, async (taskQueue) => {
        const month = uniqueMonth();
        const input: MonthlyCycleInput = {
          schemaVersion: 1,
          month,
          deadlines: deadlinesIn(),
          cityCodes: CITIES,
          settings: testSettings({ payoutDay, provincialPayoutGraceMs: GRACE_MS }),
        };
        const province = await env.client.workflow.start(WorkflowNames.monthlyCycle, {
          taskQueue,
          workflowId: cycleWorkflowId(month),
          args: [input],
        });
        const cities = CITIES.map((cityCode) => env.client.workflow.getHandle(cityWorkflowId(month, cityCode)));
        await Promise.all(cities.map((city, i) => approvePlan(city, CITIES[i]!)));
        const result = (await province.result()) as ProvinceReconciliation;
        const waited = (await Promise.all(cities.map(waitedForPayoutDay))).every(Boolean);
        // Queried while the worker runs: a closed workflow's query is answered by replaying it.
        const outcome = {
          stubs,
          input,
          result,
          province: await province.query(cycleStatusQuery),
          cities: await Promise.all(cities.map(statusOf)),
        };
        return { waited, outcome };
      });
    },
    [6_000, 20_000, 60_000],
  );
}

describe('monthlyCycle on its payout day', () => {
  it(
    'pays every prepared city in one task and tells each what it paid; no city pays itself',
    async () => {
      const paidBy = { '620100': progress(20), '620200': progress(7) } as Record<string, ReturnType<typeof progress>>;
      const { stubs, input, province, cities, result } = await runProvince((stubs) =>
        stubs.set('payProvince', async ({ month, cityCodes }) => ({
          month,
          cities: cityCodes.map((cityCode) => ({ cityCode, outcome: 'paid' as const, batches: 1, progress: paidBy[cityCode]! })),
        })),
      );

      expect(stubs.argsOf('payProvince')).toEqual([{ month: input.month, cityCodes: CITIES, batchSize: 100, timeoutMs: GRACE_MS }]);
      expect(stubs.count('payCity')).toBe(0);
      expect(cities).toMatchObject(CITIES.map((cityCode) => ({ cityCode, stage: 'closed', payout: paidBy[cityCode] })));
      expect(result).toMatchObject({ month: input.month, balanced: true });
      expect(result.cities.map((c) => c.cityCode).sort()).toEqual(CITIES);
      expect(stubs.argsOf('storeReport')).toEqual([{ month: input.month, report: result }]);
      expect(province).toMatchObject({ status: 'closed', closedCities: expect.arrayContaining(CITIES), reconciliation: result });
    },
    RETRIES_TIMEOUT_MS,
  );

  it(
    'lets every city pay itself, once each, when the provincial payout fails',
    async () => {
      const { stubs, input, cities, result } = await runProvince((stubs) =>
        stubs.refuse('payProvince', 'the disbursement service refused the provincial run', ErrorCode.Conflict),
      );

      expect(stubs.count('payProvince')).toBe(1);
      expect(
        stubs
          .argsOf('payCity')
          .map((a) => a.cityCode)
          .sort(),
      ).toEqual(CITIES);
      expect(stubs.argsOf('payCity').every((a) => a.month === input.month)).toBe(true);
      expect(cities).toMatchObject(CITIES.map((cityCode) => ({ cityCode, stage: 'closed', payout: progress(12) })));
      expect(result.balanced).toBe(true);
    },
    RETRIES_TIMEOUT_MS,
  );
});
