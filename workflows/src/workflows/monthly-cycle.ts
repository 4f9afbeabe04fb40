import {
  condition,
  log,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  WorkflowIdReusePolicy,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import {
  cityByCode,
  cityWorkflowId,
  beginPayoutDayUpdate,
  cycleStatusQuery,
  formatYuan,
  provincialPayoutSignal,
  SearchAttributes,
  type CityCycleInput,
  type CityOutcome,
  type CityReconciliation,
  type CycleStatus,
  type MonthlyCycleInput,
  type ProvinceReconciliation,
  type ProvincialCityPayout,
  type ProvincialPayout,
} from '@fund/shared';
import { cycleActivities } from './activity-stubs';
import { cityCycle } from './city-cycle';
import { validateBeginPayoutDay } from './decisions';
import { reconcileProvince } from './province-reconciliation';

export { reconcileProvince } from './province-reconciliation';

type City = ChildWorkflowHandle<typeof cityCycle>;

/**
 * A province's month: one child per city, so one city's trouble never holds up another's
 * payout; the month closes when every city is done, with each city's outcome and the
 * province's reconciliation.
 */
export async function monthlyCycle(input: MonthlyCycleInput): Promise<ProvinceReconciliation> {
  const { month, cityCodes } = input;
  const acts = cycleActivities(input.settings);
  const status: CycleStatus = {
    month,
    status: 'running',
    cityCodes,
    closedCities: [],
    outcomes: [],
    payoutDayBegun: null,
    reconciliation: null,
  };
  setHandler(cycleStatusQuery, () => status);
  setHandler(
    beginPayoutDayUpdate,
    ({ actor, reason }) => {
      status.payoutDayBegun = { userId: actor.userId, at: new Date(Date.now()).toISOString(), reason: reason ?? null };
      return status;
    },
    { validator: (args) => validateBeginPayoutDay(status, input.settings.payoutDay, args) },
  );
  upsertSearchAttributes([
    { key: SearchAttributes.CycleMonth, value: month },
    { key: SearchAttributes.CycleStage, value: 'running' },
    { key: SearchAttributes.WaitingFor, value: 'cities' },
  ]);
  setCurrentDetails(`**Province ${month}**: ${cityCodes.length} cities running`);

  const cities = await Promise.all(cityCodes.map((cityCode) => startCity(input, cityCode)));
  const payoutDay = payOnPayoutDay(input, acts, cities, () => status.payoutDayBegun !== null);
  const closed = await Promise.all(cities.map((city, i) => awaitCity(status, city, cityCodes[i]!)));
  await payoutDay;

  upsertSearchAttributes([
    { key: SearchAttributes.CycleStage, value: 'reconciliation' },
    { key: SearchAttributes.WaitingFor, value: 'nobody' },
  ]);
  const pool = await acts.poolPosition({ month });
  const reconciliation = reconcileProvince(
    month,
    closed.filter((c): c is CityReconciliation => c !== null),
    pool,
    status.outcomes,
  );
  await acts.storeReport({ month, report: reconciliation });
  status.reconciliation = reconciliation;
  status.status = 'closed';
  upsertSearchAttributes([{ key: SearchAttributes.CycleStage, value: 'closed' }]);
  setCurrentDetails(
    `**Province ${month}**: closed, ${reconciliation.balanced ? 'balanced' : 'NOT BALANCED'}` +
      `${reconciliation.complete ? '' : `, ${reconciliation.outcomes!.filter((o) => o.outcome !== 'closed').length} cities not closed normally`}; ` +
      `paid ${formatYuan(reconciliation.totals.paidFen)} of ${formatYuan(reconciliation.totals.allocatedFen)} allocated`,
  );
  return reconciliation;
}

function startCity(input: MonthlyCycleInput, cityCode: string): Promise<City> {
  const { month } = input;
  const childInput: CityCycleInput = { schemaVersion: 1, month, cityCode, deadlines: input.deadlines, settings: input.settings };
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
}

/** A city's result and outcome; a city whose workflow failed is stated, never the province's failure. */
async function awaitCity(status: CycleStatus, city: City, cityCode: string): Promise<CityReconciliation | null> {
  let result: CityReconciliation | null = null;
  let outcome: CityOutcome;
  try {
    result = await city.result();
    outcome = result.closure
      ? {
          cityCode,
          outcome: 'closed_by_operator',
          reason: `${result.closure.reason} (${result.closure.step} failed: ${result.closure.error})`,
        }
      : { cityCode, outcome: 'closed', reason: null };
  } catch (error) {
    const reason = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    log.error("a city's month ended without closing", { month: status.month, cityCode, error: reason });
    outcome = { cityCode, outcome: 'failed', reason };
  }
  status.closedCities.push(cityCode);
  status.outcomes.push(outcome);
  setCurrentDetails(`**Province ${status.month}**: ${status.closedCities.length}/${status.cityCodes.length} cities closed`);
  return result;
}

/**
 * The province's payout day: one task pays every city prepared by then, and each city hears
 * what it did for it. A city the task did not pay, or all of them if it failed, pays itself on
 * hearing so (or when its wait for the word runs out). Begun after the day: nothing to do. An
 * operator may begin the day early (Update beginPayoutDay) once the cities are prepared.
 */
async function payOnPayoutDay(
  input: MonthlyCycleInput,
  acts: ReturnType<typeof cycleActivities>,
  cities: City[],
  begunEarly: () => boolean,
): Promise<void> {
  const { month, cityCodes, settings } = input;
  if (settings.payoutDay === undefined) return;
  const wait = Date.parse(settings.payoutDay) - Date.now();
  if (wait <= 0) return;
  await condition(begunEarly, wait);
  let paid: ProvincialPayout | null = null;
  try {
    paid = await acts.payProvince({
      month,
      cityCodes,
      batchSize: settings.payoutBatchSize,
      timeoutMs: settings.provincialPayoutGraceMs ?? 0,
    });
  } catch (error) {
    log.warn('the provincial payout failed; every city pays itself', { month, error: (error as Error).message });
  }
  const byCity = new Map(paid?.cities.map((c) => [c.cityCode, c]));
  const count = paid?.cities.filter((c) => c.outcome === 'paid').length ?? 0;
  setCurrentDetails(`**Province ${month}**: payout day, ${count}/${cityCodes.length} cities paid in one task`);
  await Promise.all(
    cities.map(async (city, i) => {
      const cityCode = cityCodes[i]!;
      const outcome: ProvincialCityPayout = byCity.get(cityCode) ?? { cityCode, outcome: 'failed', error: 'the provincial payout failed' };
      try {
        await city.signal(provincialPayoutSignal, outcome);
      } catch {
        // The city's month has ended already: nothing waits for the word.
      }
    }),
  );
}
