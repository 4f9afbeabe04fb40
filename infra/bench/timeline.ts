import type { Client } from '@temporalio/client';
import { CITY_CODES, cityWorkflowId, cycleWorkflowId } from '@fund/shared';

/** The length of the union of time intervals. */
export function unionSeconds(intervals: readonly [number, number][]): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    if (a > end) {
      total += b - a;
      end = b;
    } else if (b > end) {
      total += b - end;
      end = b;
    }
  }
  return total;
}

/** Seconds since the epoch of a history event's time. */
function eventSeconds(event: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number {
  const t = event.eventTime;
  return Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

/** When the activity `name` started and completed on a worker, or null when it did not complete. */
function activitySpan(events: HistoryEvent[], name: string): [number, number] | null {
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name);
  const id = Number(scheduled?.eventId ?? -1);
  const start = events.find((e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId ?? -2) === id);
  const end = events.find((e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? -2) === id);
  return start && end ? [eventSeconds(start), eventSeconds(end)] : null;
}

/** The month's payout as the workflow histories tell it, city by city in CITY_CODES order. */
export interface PayoutTimeline {
  /** The province's payout activity (payProvince), if it completed. */
  province: [number, number] | null;
  /** Each city's payout: the province's activity, or the city's own (payCity). */
  intervals: [number, number][];
  /** History events of each city's workflow. */
  lengths: number[];
  /** Each city's allocate, preparePayout and payout spans. */
  stages: Record<string, [number, number]>[];
  /** Cities that paid themselves, not through the province's activity. */
  selfPaid: string[];
  /** When each city the province paid recorded its outcome (the workflow task after its signal). */
  recordedAt: number[];
}

/**
 * Reads the payout stage from the histories: from the province's payout activity (payProvince)
 * starting on a worker to its completion, as a city's own payout activity (payCity) counts for a
 * city the province did not pay.
 */
export async function readPayoutTimeline(client: Client, month: string): Promise<PayoutTimeline> {
  const province = activitySpan((await client.workflow.getHandle(cycleWorkflowId(month)).fetchHistory()).events ?? [], 'payProvince');
  const intervals: [number, number][] = [];
  const lengths: number[] = [];
  const stages: Record<string, [number, number]>[] = [];
  const selfPaid: string[] = [];
  const recordedAt: number[] = [];
  for (const city of CITY_CODES) {
    const history = await client.workflow.getHandle(cityWorkflowId(month, city)).fetchHistory();
    const events = history.events ?? [];
    lengths.push(events.length);
    const timeline: Record<string, [number, number]> = {};
    for (const name of ['allocate', 'preparePayout']) {
      const span = activitySpan(events, name);
      if (!span) throw new Error(`no completed ${name} activity in the history of ${city}`);
      timeline[name] = span;
    }
    const own = activitySpan(events, 'payCity');
    if (own) {
      selfPaid.push(city);
      timeline.payout = own;
    } else {
      const signalled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'provincialPayout');
      const recorded = events.slice(signalled + 1).find((e) => e.workflowTaskCompletedEventAttributes);
      if (!province || signalled < 0 || !recorded) throw new Error(`${city} was neither paid by the province nor by itself`);
      timeline.payout = province;
      recordedAt.push(eventSeconds(recorded));
    }
    stages.push(timeline);
    intervals.push(timeline.payout!);
  }
  return { province, intervals, lengths, stages, selfPaid, recordedAt };
}
