import type { Client } from '@temporalio/client';
import prom from 'prom-client';
import { SearchAttributes, WorkflowNames } from '@fund/shared';

/**
 * Gauges of the cities per stage, read from Temporal visibility (what the Web UI lists) at each
 * scrape: `fund_cycle_cities{month,stage}` (running cities, plus closed ones as stage "closed")
 * and `fund_cycle_cities_overdue{month,stage}`.
 */
export function registerCycleMetrics(registry: prom.Registry, client: Client): void {
  const overdue = new prom.Gauge({
    name: 'fund_cycle_cities_overdue',
    help: 'Cities of a month past the deadline of their current stage',
    labelNames: ['month', 'stage'] as const,
    registers: [registry],
  });
  const cities: prom.Gauge<'month' | 'stage'> = new prom.Gauge({
    name: 'fund_cycle_cities',
    help: 'Cities of a month per cycle stage, from Temporal visibility at scrape time',
    labelNames: ['month', 'stage'] as const,
    registers: [registry],
    collect: async () => {
      const counts = await stageCounts(client);
      cities.reset();
      overdue.reset();
      for (const c of counts) {
        cities.inc({ month: c.month, stage: c.stage });
        if (c.overdue) overdue.inc({ month: c.month, stage: c.stage });
      }
    },
  });
}

/** Each city workflow's month, stage and overdue flag, from visibility; empty when Temporal does not answer. */
async function stageCounts(client: Client): Promise<{ month: string; stage: string; overdue: boolean }[]> {
  const out: { month: string; stage: string; overdue: boolean }[] = [];
  try {
    await client.withDeadline(Date.now() + 5_000, async () => {
      for await (const w of client.workflow.list({ query: recentCityCycles() })) {
        const month = w.typedSearchAttributes.get(SearchAttributes.CycleMonth);
        if (!month) continue;
        const running = w.status.name === 'RUNNING';
        out.push({
          month,
          stage: running
            ? (w.typedSearchAttributes.get(SearchAttributes.CycleStage) ?? 'unknown')
            : w.status.name === 'COMPLETED'
              ? 'closed'
              : 'failed',
          overdue: running && w.typedSearchAttributes.get(SearchAttributes.Overdue) === true,
        });
      }
    });
  } catch {
    // Temporal unreachable: report nothing rather than fail the whole scrape.
  }
  return out;
}

/** City workflows still running or closed in the last 45 days. */
function recentCityCycles(): string {
  const since = new Date(Date.now() - 45 * 86_400_000).toISOString();
  return `WorkflowType = '${WorkflowNames.cityCycle}' AND (ExecutionStatus = 'Running' OR CloseTime > '${since}')`;
}
