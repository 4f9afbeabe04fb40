import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  cityStatusQuery,
  cityWorkflowId,
  DEADLINE_STAGES,
  financeDecisionUpdate,
  hrssDecisionUpdate,
  submitPlanUpdate,
  WorkflowNames,
  type Actor,
  type CityCycleInput,
  type CityStatus,
  type CycleSettings,
  type DeadlineStage,
  type Deadlines,
  type PlanLine,
} from '@fund/shared';
import { DRAFT_LINES } from './stub-activities';

// Test files live beside the workflows, where only @temporalio/workflow and @fund/shared may be imported: the client is reached through here.
export type { WorkflowHandle };

/** The people of the human steps, each a different person (separation of duties). */
export const agencyOf = (cityCode: string): Actor => ({ userId: `agency-${cityCode}`, role: 'city_agency', cityCode });
export const HRSS: Actor = { userId: 'hrss-1', role: 'hrss_reviewer' };
export const FINANCE: Actor = { userId: 'finance-1', role: 'finance_reviewer' };
export const OPERATOR: Actor = { userId: 'operator-1', role: 'operator' };

const HOUR = 3_600_000;

/**
 * A month's deadlines an hour ahead, except the stages given: milliseconds from now (negative:
 * already passed). Deadlines are inputs, so a test makes any stage overdue without waiting for it.
 */
export function deadlinesIn(offsets: Partial<Record<DeadlineStage, number>> = {}, now = Date.now()): Deadlines {
  return Object.fromEntries(DEADLINE_STAGES.map((stage) => [stage, new Date(now + (offsets[stage] ?? HOUR)).toISOString()])) as Deadlines;
}

/** Settings that keep retries quick and the early warning off (warned at the payout deadline itself). */
export function testSettings(overrides: Partial<CycleSettings> = {}): CycleSettings {
  return {
    payoutBatchSize: 100,
    retryInitialIntervalMs: 50,
    retryMaximumIntervalMs: 200,
    heartbeatTimeoutMs: 10_000,
    payoutWarningLeadMs: 0,
    ...overrides,
  };
}

let months = 0;

/** A month no other test of the file uses, so the business-key workflow ids never collide. */
export function uniqueMonth(): string {
  months += 1;
  return `${2030 + Math.floor((months - 1) / 12)}-${String(((months - 1) % 12) + 1).padStart(2, '0')}`;
}

export interface CityOptions {
  cityCode?: string;
  deadlines?: Deadlines;
  settings?: Partial<CycleSettings>;
}

/** A city's month started for a test: its handle and the input it was given. */
export interface StartedCity {
  handle: WorkflowHandle;
  input: CityCycleInput;
}

/** Starts one city's month by name, as the province would, on the test's task queue. */
export async function startCity(client: Client, taskQueue: string, options: CityOptions = {}): Promise<StartedCity> {
  const cityCode = options.cityCode ?? '620100';
  const month = uniqueMonth();
  const input: CityCycleInput = {
    schemaVersion: 1,
    month,
    cityCode,
    deadlines: options.deadlines ?? deadlinesIn(),
    settings: testSettings(options.settings),
  };
  const handle = await client.workflow.start(WorkflowNames.cityCycle, {
    taskQueue,
    workflowId: cityWorkflowId(month, cityCode),
    args: [input],
  });
  return { handle, input };
}

/** The city's status query. */
export function statusOf(handle: WorkflowHandle): Promise<CityStatus> {
  return handle.query(cityStatusQuery);
}

/** Polls the status query until `done` holds; fails naming `what` and the last status after `timeoutMs`. */
export async function waitForStatus(
  handle: WorkflowHandle,
  what: string,
  done: (status: CityStatus) => boolean,
  timeoutMs = 20_000,
): Promise<CityStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: CityStatus | null = null;
  for (;;) {
    try {
      last = await statusOf(handle);
    } catch (error) {
      // A province's city is queried by id before its parent has started it.
      if (!(error instanceof WorkflowNotFoundError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (done(last)) return last;
    if (Date.now() > deadline) {
      const { stage, waitingFor, overdue, overdueStages, lastError, plan } = last;
      throw new Error(
        `timed out waiting for ${what}; last status ${JSON.stringify({ stage, waitingFor, overdue, overdueStages, lastError, plan: plan?.status })}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the city is at `stage`, so the next Update's validator takes it. */
export function atStage(handle: WorkflowHandle, stage: CityStatus['stage']): Promise<CityStatus> {
  return waitForStatus(handle, `stage ${stage}`, (s) => s.stage === stage);
}

/** The city agency submits `lines` (the draft by default) once the plan stage is open. */
export async function submitPlan(handle: WorkflowHandle, cityCode: string, lines: PlanLine[] = DRAFT_LINES): Promise<CityStatus> {
  await atStage(handle, 'plan');
  return handle.executeUpdate(submitPlanUpdate, { args: [{ actor: agencyOf(cityCode), lines }] });
}

/** HRSS decides on the current version once its review is open. */
export async function hrssDecides(handle: WorkflowHandle, decision: 'approve' | 'return', reason?: string): Promise<CityStatus> {
  const status = await atStage(handle, 'hrss_review');
  return handle.executeUpdate(hrssDecisionUpdate, {
    args: [{ actor: HRSS, planVersion: status.plan!.version, decision, ...(reason ? { reason } : {}) }],
  });
}

/** Finance decides on the current version once its review is open. */
export async function financeDecides(
  handle: WorkflowHandle,
  decision: 'approve' | 'return' | 'cut',
  extra: { reason?: string; lines?: PlanLine[] } = {},
): Promise<CityStatus> {
  const status = await atStage(handle, 'finance_review');
  return handle.executeUpdate(financeDecisionUpdate, { args: [{ actor: FINANCE, planVersion: status.plan!.version, decision, ...extra }] });
}

/** Plays the agency and both reviewers: the draft submitted, approved by HRSS and by finance. */
export async function approvePlan(handle: WorkflowHandle, cityCode = '620100'): Promise<void> {
  await submitPlan(handle, cityCode);
  await hrssDecides(handle, 'approve');
  await financeDecides(handle, 'approve');
}

/** Polls until `done` holds; fails naming `what` after `timeoutMs`. */
export async function eventually(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every value the workflow upserted for one search attribute, in history order. */
export async function upsertedValues(handle: WorkflowHandle, attribute: string): Promise<unknown[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const payload = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[attribute];
    return payload?.data ? [JSON.parse(Buffer.from(payload.data).toString('utf8'))] : [];
  });
}

/** When the workflow scheduled each run of an activity (its retries included), from its history. */
export async function scheduledAt(handle: WorkflowHandle, activity: string): Promise<number[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((event) =>
    event.activityTaskScheduledEventAttributes?.activityType?.name === activity && event.eventTime?.seconds != null
      ? [Number(event.eventTime.seconds) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6)]
      : [],
  );
}

/** The rule a refused Update names (the validator's or the handler's failure). */
export async function refusal(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return (error.cause as Error).message;
    throw error;
  }
  throw new Error('the Update was accepted');
}

/** The names of the Updates the workflow accepted, from its history; a refused one never gets there. */
export async function acceptedUpdates(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? []);
}

/** The business refusal behind a failed Update or workflow: the first ApplicationFailure in its cause chain. */
export async function failureOf(work: Promise<unknown>): Promise<{ type: string | null | undefined; message: string; failed: string }> {
  try {
    await work;
  } catch (error) {
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
      if (cause instanceof ApplicationFailure)
        return { type: cause.type, message: cause.message, failed: (error as Error).constructor.name };
    }
    throw error;
  }
  throw new Error('it did not fail');
}

/** Whether the city held its prepared payout for the payout day (it upserted WaitingFor = payout_day). */
export async function waitedForPayoutDay(handle: WorkflowHandle): Promise<boolean> {
  return (await upsertedValues(handle, 'WaitingFor')).includes('payout_day');
}

/**
 * The payout-day branches need the cities prepared before the day begins, and preparing takes the
 * test's own steps. Each try runs the whole case with the day further ahead, until one finds every
 * city waiting for it (on a busy machine the first may not); the case answers whether they waited.
 */
export async function withPayoutDayAhead<T>(
  run: (payoutDay: string) => Promise<{ waited: boolean; outcome: T }>,
  leadsMs: number[] = [4_000, 15_000, 45_000],
): Promise<T> {
  for (const lead of leadsMs) {
    const { waited, outcome } = await run(new Date(Date.now() + lead).toISOString());
    if (waited) return outcome;
  }
  throw new Error(`the cities were never prepared before their payout day, even ${leadsMs.at(-1)} ms ahead`);
}

/** The input a workflow was started with, from its history (the tests use the default converter: plain JSON). */
export async function inputOf<T>(handle: WorkflowHandle): Promise<T> {
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  if (!payload) throw new Error(`${handle.workflowId} has no input in its history`);
  return JSON.parse(Buffer.from(payload).toString('utf8')) as T;
}
