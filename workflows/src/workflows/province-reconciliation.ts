import { sumFen, type CityOutcome, type CityReconciliation, type ProvinceReconciliation, type ReconciliationCheck } from '@fund/shared';

/** Adds up the cities and checks the province-level identities; states every city's outcome. */
export function reconcileProvince(
  month: string,
  cities: CityReconciliation[],
  pool: { receivedFen: string; allocatedFen: string; balanceFen: string },
  outcomes: CityOutcome[],
): ProvinceReconciliation {
  const total = (field: keyof ProvinceReconciliation['totals']) => sumFen(cities.map((c) => c[field])).toString();
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
  const failed = outcomes.filter((o) => o.outcome === 'failed');
  const checks: ReconciliationCheck[] = [
    {
      name: 'every city balanced',
      ok: failed.length === 0 && cities.every((c) => c.balanced),
      detail:
        [...cities.filter((c) => !c.balanced).map((c) => c.cityCode), ...failed.map((o) => `${o.cityCode} (no close: ${o.reason})`)].join(
          ', ',
        ) || 'all cities balanced',
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
    outcomes: [...outcomes].sort((a, b) => a.cityCode.localeCompare(b.cityCode)),
    complete: outcomes.every((o) => o.outcome === 'closed'),
  };
}
