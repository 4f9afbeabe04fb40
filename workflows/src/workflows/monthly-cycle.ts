import {
  log,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import {
  cityByCode,
  cityWorkflowId,
  cycleStatusQuery,
  formatYuan,
  provincialPayoutSignal,
  SearchAttributes,
  sumFen,
  type CityCycleInput,
  type CityReconciliation,
  type CycleStatus,
  type MonthlyCycleInput,
  type ProvinceReconciliation,
  type ProvincialCityPayout,
  type ProvincialPayout,
  type ReconciliationCheck,
} from '@fund/shared';
import { cycleActivities } from './activities';
import { cityCycle } from './city-cycle';

/**
 * A province's month: one child per city, so one city's trouble never holds up another's
 * payout; the month closes when every city is done, with the province's reconciliation.
 */
export async function monthlyCycle(input: MonthlyCycleInput): Promise<ProvinceReconciliation> {
  const { month, cityCodes } = input;
  const acts = cycleActivities(input.settings);
  const status: CycleStatus = { month, status: 'running', cityCodes, closedCities: [], reconciliation: null };
  setHandler(cycleStatusQuery, () => status);

  upsertSearchAttributes([
    { key: SearchAttributes.CycleMonth, value: month },
    { key: SearchAttributes.CycleStage, value: 'running' },
    { key: SearchAttributes.WaitingFor, value: 'cities' },
  ]);
  setCurrentDetails(`**Province ${month}**: ${cityCodes.length} cities running`);

  const children = await Promise.all(
    cityCodes.map((cityCode) => {
      const childInput: CityCycleInput = {
        schemaVersion: 1,
        month,
        cityCode,
        deadlines: input.deadlines,
        settings: input.settings,
      };
      return startChild(cityCycle, {
        workflowId: cityWorkflowId(month, cityCode),
        args: [childInput],
        // A city's month runs once; closing the province must not cut a city's payout short.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `${cityByCode(cityCode)?.nameEn ?? cityCode} ${month}`,
        typedSearchAttributes: [
          { key: SearchAttributes.CycleMonth, value: month },
          { key: SearchAttributes.CityCode, value: cityCode },
          { key: SearchAttributes.CycleStage, value: 'transfer' },
          { key: SearchAttributes.WaitingFor, value: 'collection' },
          { key: SearchAttributes.Overdue, value: false },
        ],
      });
    }),
  );

  /**
   * The province's payout day (cycles with provincialPayoutGraceMs): one task pays every city
   * prepared by then, and each city hears what it did for it. A city the task did not pay, or
   * all of them if it failed, pays itself on hearing so (or when its wait for the word runs out).
   */
  async function payOnPayoutDay(payoutDay: string, graceMs: number): Promise<void> {
    const wait = Date.parse(payoutDay) - Date.now();
    // Begun after the payout day: no city was prepared before it, each pays once prepared.
    if (wait <= 0) return;
    await sleep(wait);
    let paid: ProvincialPayout | null = null;
    try {
      paid = await acts.payProvince({ month, cityCodes, batchSize: input.settings.payoutBatchSize, timeoutMs: graceMs });
    } catch (error) {
      log.warn('the provincial payout failed; every city pays itself', { month, error: (error as Error).message });
    }
    const byCity = new Map(paid?.cities.map((c) => [c.cityCode, c]));
    const count = paid?.cities.filter((c) => c.outcome === 'paid').length ?? 0;
    setCurrentDetails(`**Province ${month}**: payout day, ${count}/${cityCodes.length} cities paid in one task`);
    await Promise.all(
      children.map(async (child, i) => {
        const cityCode = cityCodes[i]!;
        const outcome: ProvincialCityPayout = byCity.get(cityCode) ?? { cityCode, outcome: 'failed', error: 'the provincial payout failed' };
        try {
          await child.signal(provincialPayoutSignal, outcome);
        } catch {
          // The city's month has ended already: nothing waits for the word.
        }
      }),
    );
  }
  const { payoutDay, provincialPayoutGraceMs } = input.settings;
  const payoutDayDone = payoutDay !== undefined && provincialPayoutGraceMs !== undefined ? payOnPayoutDay(payoutDay, provincialPayoutGraceMs) : Promise.resolve();

  const cities = await Promise.all(
    children.map(async (child, i) => {
      const result = await child.result();
      status.closedCities.push(cityCodes[i]!);
      setCurrentDetails(`**Province ${month}**: ${status.closedCities.length}/${cityCodes.length} cities closed`);
      return result;
    }),
  );

  await payoutDayDone;
  upsertSearchAttributes([
    { key: SearchAttributes.CycleStage, value: 'reconciliation' },
    { key: SearchAttributes.WaitingFor, value: 'nobody' },
  ]);
  const pool = await acts.poolPosition({ month });
  const reconciliation = reconcileProvince(month, cities, pool);
  await acts.storeReport({ month, report: reconciliation });
  status.reconciliation = reconciliation;
  status.status = 'closed';
  upsertSearchAttributes([{ key: SearchAttributes.CycleStage, value: 'closed' }]);
  setCurrentDetails(
    `**Province ${month}**: closed, ${reconciliation.balanced ? 'balanced' : 'NOT BALANCED'}; ` +
      `paid ${formatYuan(reconciliation.totals.paidFen)} of ${formatYuan(reconciliation.totals.allocatedFen)} allocated`,
  );
  return reconciliation;
}

/** Adds up the cities and checks the province-level identities. */
export function reconcileProvince(
  month: string,
  cities: CityReconciliation[],
  pool: { receivedFen: string; allocatedFen: string; balanceFen: string },
): ProvinceReconciliation {
  const total = (field: keyof ProvinceReconciliation['totals']) =>
    sumFen(cities.map((c) => c[field])).toString();
  const totals = {
    collectedFen: total('collectedFen'),
    transferredFen: total('transferredFen'),
    receivedFen: total('receivedFen'),
    approvedFen: total('approvedFen'),
    allocatedFen: total('allocatedFen'),
    paidFen: total('paidFen'),
    returnedFen: total('returnedFen'),
    unspentFen: total('unspentFen'),
  };
  const checks: ReconciliationCheck[] = [
    {
      name: 'every city balanced',
      ok: cities.every((c) => c.balanced),
      detail: cities.filter((c) => !c.balanced).map((c) => c.cityCode).join(', ') || 'all cities balanced',
    },
    {
      name: 'pool received = cities transferred',
      ok: pool.receivedFen === totals.transferredFen,
      detail: `pool received ${pool.receivedFen}, cities transferred ${totals.transferredFen}`,
    },
    {
      name: 'pool allocated = cities allocated',
      ok: pool.allocatedFen === totals.allocatedFen,
      detail: `pool allocated ${pool.allocatedFen}, cities allocated ${totals.allocatedFen}`,
    },
  ];
  return {
    month,
    closedAt: new Date(Date.now()).toISOString(),
    cities,
    totals,
    pool,
    checks,
    balanced: checks.every((c) => c.ok),
  };
}
