import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import prom from 'prom-client';
import {
  beginPayoutDayUpdate,
  CITY_CODES,
  cityStatusQuery,
  cityWorkflowId,
  computeDeadlines,
  cycleSettingsSchema,
  cycleStatusQuery,
  cycleWorkflowId,
  ErrorCode,
  lateRepaymentWorkflowId,
  parseCycleClock,
  payoutDayStart,
  provincialPayoutGraceMs,
  payoutWarningLeadMs,
  repayReturnedUpdate,
  SearchAttributes,
  WorkflowNames,
  type Actor,
  type CityStatus,
  type CycleSettings,
  type CycleStatus,
  type LateRepaymentInput,
  type LateRepaymentResult,
  type MonthlyCycleInput,
  type PayoutHeartbeat,
  type PayoutProgress,
  type ProvinceReconciliation,
} from '@fund/shared';
import { EncryptionCodec, HttpError } from '@fund/shared/server';
import type { BudgetConfig } from '../config';
import { toHttpError } from './cycle.errors';
import { registerCycleMetrics } from './cycle.metrics';

/** What the API tells about a month. */
export interface CycleView {
  month: string;
  workflowId: string;
  status: 'running' | 'closed' | 'failed';
  cities: CityStatus[];
  reconciliation: ProvinceReconciliation | null;
}

/** Starts and drives monthly cycles through the Temporal client; never imports workflow code. */
export class CycleGateway {
  private readonly client: Client;
  private readonly codec: EncryptionCodec;

  constructor(
    private readonly config: Pick<
      BudgetConfig,
      | 'TEMPORAL_ADDRESS'
      | 'TEMPORAL_NAMESPACE'
      | 'TASK_QUEUE'
      | 'CYCLE_CLOCK'
      | 'PAYOUT_BATCH_SIZE'
      | 'ACTIVITY_RETRY_INITIAL_MS'
      | 'ACTIVITY_RETRY_MAX_MS'
      | 'ACTIVITY_HEARTBEAT_TIMEOUT_MS'
      | 'PAYOUT_DAY'
      | 'PAYLOAD_KEY'
      | 'PAYLOAD_PREVIOUS_KEYS'
    >,
    connection?: Connection,
  ) {
    // Every client encrypts like the worker: the server only ever stores ciphertext.
    this.codec = EncryptionCodec.fromConfig(config);
    this.client = new Client({
      connection: connection ?? Connection.lazy({ address: config.TEMPORAL_ADDRESS }),
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: { payloadCodecs: [this.codec] },
    });
  }

  /** Gauges of the cities per stage, from Temporal visibility at each scrape (see cycle.metrics.ts). */
  registerMetrics(registry: prom.Registry): void {
    registerCycleMetrics(registry, this.client);
  }

  /** The cycle's retry, batch and payout-day settings, from config; the payout day falls in `month`, started at `startedAt`. */
  settings(month: string, startedAt: Date): CycleSettings {
    const clock = parseCycleClock(this.config.CYCLE_CLOCK);
    return cycleSettingsSchema.parse({
      payoutBatchSize: this.config.PAYOUT_BATCH_SIZE,
      retryInitialIntervalMs: this.config.ACTIVITY_RETRY_INITIAL_MS,
      retryMaximumIntervalMs: this.config.ACTIVITY_RETRY_MAX_MS,
      heartbeatTimeoutMs: this.config.ACTIVITY_HEARTBEAT_TIMEOUT_MS,
      // The early warning comes DEFAULT_PAYOUT_WARNING_LEAD_DAYS days of the cycle's clock before the payout deadline.
      payoutWarningLeadMs: payoutWarningLeadMs(clock),
      payoutDay: this.config.PAYOUT_DAY === undefined ? undefined : payoutDayStart(month, startedAt, clock, this.config.PAYOUT_DAY),
      // On its payout day the province pays every prepared city in one task.
      provincialPayoutGraceMs: this.config.PAYOUT_DAY === undefined ? undefined : provincialPayoutGraceMs(clock),
    });
  }

  /** Starts `cycle:<month>`; a month that already has a cycle answers with that one. */
  async start(month: string, cityCodes: readonly string[] = CITY_CODES): Promise<{ created: boolean; view: CycleView }> {
    const startedAt = new Date();
    const input: MonthlyCycleInput = {
      schemaVersion: 1,
      month,
      deadlines: computeDeadlines(month, startedAt, parseCycleClock(this.config.CYCLE_CLOCK)),
      cityCodes: [...cityCodes],
      settings: this.settings(month, startedAt),
    };
    let created = true;
    try {
      await this.client.workflow.start(WorkflowNames.monthlyCycle, {
        taskQueue: this.config.TASK_QUEUE,
        workflowId: cycleWorkflowId(month),
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `Province ${month}: ${cityCodes.length} cities`,
        typedSearchAttributes: [{ key: SearchAttributes.CycleMonth, value: month }],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      created = false;
    }
    return { created, view: await this.view(month) };
  }

  /** Whether Temporal has a cycle for `month` (running or closed). */
  async exists(month: string): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(cycleWorkflowId(month)).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /** The month's status: the province's query plus each city's. */
  async view(month: string): Promise<CycleView> {
    const handle = this.client.workflow.getHandle(cycleWorkflowId(month));
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new HttpError(404, ErrorCode.NotFound, `no cycle for ${month}`);
      throw error;
    }
    const running = description.status.name === 'RUNNING';
    const failed = !running && description.status.name !== 'COMPLETED';
    let province: CycleStatus | null = null;
    let reconciliation: ProvinceReconciliation | null = null;
    if (description.status.name === 'COMPLETED') {
      reconciliation = (await handle.result()) as ProvinceReconciliation;
    } else if (running) {
      province = await handle.query(cycleStatusQuery).catch(() => null);
    }
    const codes = province?.cityCodes ??
      reconciliation?.outcomes?.map((o) => o.cityCode) ??
      reconciliation?.cities.map((c) => c.cityCode) ?? [...CITY_CODES];
    const cities = await Promise.all(codes.map((code) => this.cityStatus(month, code)));
    return {
      month,
      workflowId: cycleWorkflowId(month),
      status: running ? 'running' : failed ? 'failed' : 'closed',
      cities: cities.filter((c): c is CityStatus => c !== null),
      reconciliation,
    };
  }

  /**
   * One city's status, or null when its workflow has not started yet. While the payout activity
   * runs, `payout` is the progress it last heartbeated (the workflow learns the totals only at the end).
   */
  async cityStatus(month: string, cityCode: string): Promise<CityStatus | null> {
    try {
      const handle = this.cityHandle(month, cityCode);
      const status = await handle.query(cityStatusQuery);
      if (status.stage === 'payout' && status.payout === null) status.payout = await this.livePayout(handle);
      return status;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  /** The progress in the running payCity activity's last heartbeat, decrypted; null before the first. */
  private async livePayout(handle: WorkflowHandle): Promise<PayoutProgress | null> {
    const description = await handle.describe();
    const activity = description.raw.pendingActivities?.find((a) => a.activityType?.name === 'payCity');
    const payload = activity?.heartbeatDetails?.payloads?.[0];
    if (!payload) return null;
    const [decoded] = await this.codec.decode([payload]);
    const heartbeat = defaultPayloadConverter.fromPayload<PayoutHeartbeat>(decoded!);
    return heartbeat.progress ?? null;
  }

  /** Begins the province's payout day now (Update beginPayoutDay); refusals come back as 4xx naming the rule. */
  async beginPayoutDay(month: string, actor: Actor, reason?: string): Promise<CycleStatus> {
    try {
      return await this.client.workflow
        .getHandle(cycleWorkflowId(month))
        .executeUpdate(beginPayoutDayUpdate, { args: [{ actor, ...(reason ? { reason } : {}) }] });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new HttpError(404, ErrorCode.NotFound, `no running cycle for ${month}`);
      throw toHttpError(error, month, 'the province');
    }
  }

  cityHandle(month: string, cityCode: string): WorkflowHandle {
    return this.client.workflow.getHandle(cityWorkflowId(month, cityCode));
  }

  /** Runs a human step as a Workflow Update; refusals come back as 4xx naming the rule. */
  async update<Args extends [unknown, ...unknown[]]>(
    month: string,
    cityCode: string,
    update: import('@temporalio/common').UpdateDefinition<CityStatus, Args>,
    args: Args,
  ): Promise<CityStatus> {
    const handle = this.cityHandle(month, cityCode);
    try {
      return await handle.executeUpdate(update, { args });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        // A closed workflow takes no Update: say it closed, not that it does not exist.
        const state = await handle.describe().then(
          (d) => d.status.name,
          () => null,
        );
        if (state)
          throw new HttpError(
            409,
            ErrorCode.Conflict,
            `the ${month} cycle of ${cityCode} has ended (${state.toLowerCase()}); it takes no more decisions`,
          );
      }
      throw toHttpError(error, month, cityCode);
    }
  }

  /**
   * Pays again a city's returned payments whose bank details were corrected: through its cycle (an
   * Update) while the month runs; once the month has closed, as a `lateRepayment` workflow of its
   * own, since a payment returned at the deadline is still owed. Answers the city's status with
   * the payout as it now stands.
   */
  async repay(month: string, cityCode: string, actor: Actor): Promise<CityStatus> {
    const handle = this.cityHandle(month, cityCode);
    let state: string;
    try {
      state = (await handle.describe()).status.name;
    } catch (error) {
      throw toHttpError(error, month, cityCode);
    }
    if (state === 'RUNNING') return this.update(month, cityCode, repayReturnedUpdate, [{ actor }]);
    if (state !== 'COMPLETED') {
      throw new HttpError(
        409,
        ErrorCode.Conflict,
        `the ${month} cycle of ${cityCode} ended ${state.toLowerCase()}, not closed; its payout cannot be re-paid`,
      );
    }
    const input: LateRepaymentInput = { month, cityCode, settings: this.settings(month, new Date()) };
    let result: LateRepaymentResult;
    try {
      result = await this.client.workflow.execute(WorkflowNames.lateRepayment, {
        taskQueue: this.config.TASK_QUEUE,
        workflowId: lateRepaymentWorkflowId(month, cityCode, `${new Date().toISOString()}-${randomUUID().slice(0, 8)}`),
        args: [input],
        staticSummary: `Late re-payment ${cityCode} ${month}, asked by ${actor.userId} (${actor.role})`,
        typedSearchAttributes: [
          { key: SearchAttributes.CycleMonth, value: month },
          { key: SearchAttributes.CityCode, value: cityCode },
        ],
      });
    } catch (error) {
      throw toHttpError(error, month, cityCode);
    }
    const status = await handle.query(cityStatusQuery);
    return { ...status, payout: result.payout };
  }
}
