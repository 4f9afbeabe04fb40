import { Context } from '@temporalio/activity';
import {
  cityWorkflowId,
  type Actor,
  type BatchResult,
  type BudgetPosition,
  type CityReconciliation,
  type CollectionReconciliation,
  type DisbursementReconciliation,
  type MovementResult,
  type PayoutHeartbeat,
  type PayoutProgress,
  type PlanDraft,
  type PlanLine,
  type PoolPosition,
  type PreparedPayout,
  type ProvincialPayout,
  type ReconciliationCheck,
  type RepayResult,
  type ReturnedPayees,
  type TransferResult,
} from '@fund/shared';
import type { ServiceClient } from './http';

export interface ActivityDeps {
  collection: ServiceClient;
  budget: ServiceClient;
  disbursement: ServiceClient;
  /** Called when a stage passes its deadline; the worker logs it and posts the webhook if configured. */
  notify(event: OverdueEvent): Promise<void>;
  log: { info(message: string, fields?: Record<string, unknown>): void };
}

export interface OverdueEvent {
  month: string;
  cityCode: string;
  stage: string;
  deadline: string;
  waitingFor: string;
  /** stage_overdue (the default): a deadline passed; payout_at_risk: the early warning before the payout deadline. */
  type?: 'stage_overdue' | 'payout_at_risk';
}

interface MonthCity {
  month: string;
  cityCode: string;
}

/** Idempotency key of a step: the workflow's business id plus the step, so a retry reuses it. */
function keyFor(step: string): string {
  const workflowId = Context.current().info.workflowExecution?.workflowId;
  if (!workflowId) throw new Error('money-moving activities run only inside a cycle workflow');
  return `${workflowId}:${step}`;
}

const at = (month: string, cityCode: string) => `${month}/${cityCode}`;

/** The transfer's key: an operator's retry after a refused receipt is a new transfer, attempt 2 on. */
const transferStep = (attempt = 1) => (attempt > 1 ? `transfer:attempt${attempt}` : 'transfer');
const receiptStep = (attempt = 1) => (attempt > 1 ? `receipt:attempt${attempt}` : 'receipt');

/** Which try of a step this is: 1 unless an operator asked for it again. */
interface Attempt {
  attempt?: number;
}

/** A city's payout batch N is the step `${PAYOUT_BATCH_STEP}${N}` of its workflow, whoever pays it. */
const PAYOUT_BATCH_STEP = 'payout:batch:';

/** The cycle's activities, each one HTTP call to the service that owns the data. */
export const createActivities = (deps: ActivityDeps) => ({
  async transferCollections({ month, cityCode, attempt }: MonthCity & Attempt): Promise<TransferResult> {
    return deps.collection.post('/transfers', { month, cityCode, idempotencyKey: keyFor(transferStep(attempt)) });
  },

  async receiveTransfer({ attempt, ...input }: MonthCity & Attempt & { amountFen: string; transferId: string }): Promise<MovementResult> {
    return deps.disbursement.post('/pool/receipts', { ...input, idempotencyKey: keyFor(receiptStep(attempt)) });
  },

  async reverseTransfer({ month, cityCode, attempt }: MonthCity & Attempt): Promise<void> {
    await deps.collection.post('/transfers/reversals', { month, cityCode, idempotencyKey: keyFor(transferStep(attempt)) });
  },

  async fetchDraft({ month, cityCode }: MonthCity): Promise<PlanDraft> {
    return deps.disbursement.get(`/drafts/${at(month, cityCode)}`);
  },

  async recordPlan(input: MonthCity & { version: number; lines: PlanLine[]; actor: Actor }): Promise<void> {
    await deps.budget.post('/plans', { ...input, idempotencyKey: keyFor(`plan:v${input.version}`) });
  },

  async recordReview(
    input: MonthCity & {
      version: number;
      step: 'hrss_review' | 'finance_review';
      decision: 'approve' | 'return' | 'cut';
      reason: string | null;
      approvedLines: PlanLine[] | null;
      actor: Actor;
    },
  ): Promise<void> {
    await deps.budget.post('/reviews', { ...input, idempotencyKey: keyFor(`review:${input.step}:v${input.version}`) });
  },

  async remainingBudget({ month, cityCode }: MonthCity): Promise<BudgetPosition> {
    return deps.budget.get(`/budgets/remaining/${at(month, cityCode)}`);
  },

  async commitBudget(input: MonthCity & { version: number; lines: PlanLine[] }): Promise<void> {
    await deps.budget.post('/commitments', {
      month: input.month,
      cityCode: input.cityCode,
      lines: input.lines,
      idempotencyKey: keyFor(`commit:v${input.version}`),
    });
  },

  async releaseBudget(input: MonthCity & { version: number }): Promise<void> {
    await deps.budget.post('/commitments/release', {
      month: input.month,
      cityCode: input.cityCode,
      idempotencyKey: keyFor(`release-commit:v${input.version}`),
    });
  },

  async reservePool(input: MonthCity & { version: number; amountFen: string }): Promise<MovementResult> {
    return deps.disbursement.post('/pool/reservations', {
      month: input.month,
      cityCode: input.cityCode,
      amountFen: input.amountFen,
      idempotencyKey: keyFor(`reserve:v${input.version}`),
    });
  },

  async releasePool(input: MonthCity & { version: number }): Promise<void> {
    await deps.disbursement.post('/pool/reservations/release', {
      month: input.month,
      cityCode: input.cityCode,
      idempotencyKey: keyFor(`release-reserve:v${input.version}`),
    });
  },

  async allocate(input: MonthCity & { amountFen: string }): Promise<MovementResult> {
    return deps.disbursement.post('/allocations', { ...input, idempotencyKey: keyFor('allocate') });
  },

  async preparePayout(input: MonthCity & { approvedLines: PlanLine[]; dueDate: string }): Promise<PreparedPayout> {
    return deps.disbursement.post(`/payouts/${at(input.month, input.cityCode)}/prepare`, {
      approvedLines: input.approvedLines,
      dueDate: input.dueDate,
      idempotencyKey: keyFor('prepare'),
    });
  },

  /**
   * Pays the whole city in batches inside one activity, heartbeating the next batch number and
   * the run's progress after each batch but the last: a worker that dies resumes from its last
   * checkpoint, each batch's key makes a repeated batch answer with its stored result instead of
   * paying again, and operators read the progress from the pending activity (cycle status, the Web
   * UI) while it runs. Each batch answers with the progress, so paying a city is one request per batch.
   */
  async payCity(input: MonthCity & { batchSize: number }): Promise<PayoutProgress> {
    const context = Context.current();
    const path = `/payouts/${at(input.month, input.cityCode)}`;
    let batchNo = (context.info.heartbeatDetails as PayoutHeartbeat | undefined)?.nextBatch ?? 0;
    for (;;) {
      const result = await deps.disbursement.post<BatchResult & { replayed?: boolean }>(`${path}/batches`, {
        batchNo,
        batchSize: input.batchSize,
        idempotencyKey: keyFor(`${PAYOUT_BATCH_STEP}${batchNo}`),
      });
      batchNo += 1;
      // A replayed batch answers with the progress of its first run: a hold released since would be missing.
      const progress = result.replayed ? undefined : result.progress;
      if (result.done) return progress ?? deps.disbursement.get(path);
      // Checkpoint and progress, between batches: a city paid in one batch never heartbeats.
      context.heartbeat({ nextBatch: batchNo, progress } satisfies PayoutHeartbeat);
      if (context.cancellationSignal.aborted) throw new Error('payout cancelled');
    }
  },

  /**
   * The province's payout day: one request pays every listed city whose payout is prepared, each
   * batch under the key the city's own payout (payCity) gives it, so whichever pays a batch first,
   * the other replays it. Heartbeats while the service works, so a lost worker is noticed.
   */
  async payProvince(input: { month: string; cityCodes: string[]; batchSize: number; timeoutMs: number }): Promise<ProvincialPayout> {
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), Math.max(100, (context.info.heartbeatTimeoutMs ?? 30_000) / 3));
    try {
      return await deps.disbursement.post(
        `/payouts/${input.month}/province`,
        {
          batchSize: input.batchSize,
          cities: input.cityCodes.map((cityCode) => ({
            cityCode,
            batchKeyPrefix: `${cityWorkflowId(input.month, cityCode)}:${PAYOUT_BATCH_STEP}`,
          })),
        },
        { timeoutMs: input.timeoutMs },
      );
    } finally {
      clearInterval(beat);
    }
  },

  /** The returned payments still unpaid, with full ID numbers and bank accounts, for the operator's list. */
  async returnedPayees({ month, cityCode }: MonthCity): Promise<ReturnedPayees> {
    return deps.disbursement.get(`/payouts/${at(month, cityCode)}/returned`);
  },

  async payoutProgress({ month, cityCode }: MonthCity): Promise<PayoutProgress> {
    return deps.disbursement.get(`/payouts/${at(month, cityCode)}`);
  },

  async repayReturned(input: MonthCity & { attempt: number }): Promise<RepayResult> {
    return deps.disbursement.post(`/payouts/${at(input.month, input.cityCode)}/repay`, {
      idempotencyKey: keyFor(`repay:${input.attempt}`),
    });
  },

  async reconcileCity(input: MonthCity & { approvedFen: string }): Promise<CityReconciliation> {
    const [collection, disbursement] = await Promise.all([
      deps.collection.get<CollectionReconciliation>(`/reconciliation/${at(input.month, input.cityCode)}`),
      deps.disbursement.get<DisbursementReconciliation>(`/reconciliation/${at(input.month, input.cityCode)}`),
    ]);
    return reconcileCityFigures(input.cityCode, input.approvedFen, collection, disbursement);
  },

  async poolPosition({ month }: { month: string }): Promise<{ receivedFen: string; allocatedFen: string; balanceFen: string }> {
    const [pool, figures] = await Promise.all([
      deps.disbursement.get<PoolPosition>('/pool'),
      deps.disbursement.get<{ receivedFen: string; allocatedFen: string }>(`/reconciliation/${month}`),
    ]);
    return { receivedFen: figures.receivedFen, allocatedFen: figures.allocatedFen, balanceFen: pool.balanceFen };
  },

  async storeReport(input: { month: string; report: unknown }): Promise<void> {
    await deps.budget.post('/reports', input);
  },

  async notifyOverdue(event: OverdueEvent): Promise<void> {
    await deps.notify(event);
  },

  /** Early warning: the payout is not complete with the deadline near; a log event and the webhook (type payout_at_risk). */
  async warnPayoutAtRisk(event: Omit<OverdueEvent, 'type'>): Promise<void> {
    await deps.notify({ ...event, type: 'payout_at_risk' });
  },
});

/** The close of a city's month: every identity of the month's close (docs/domain.md), each a named check. */
export function reconcileCityFigures(
  cityCode: string,
  approvedFen: string,
  c: CollectionReconciliation,
  d: DisbursementReconciliation,
): CityReconciliation {
  const eq = (name: string, left: [string, string], right: [string, string]): ReconciliationCheck => ({
    name,
    ok: BigInt(left[1]) === BigInt(right[1]),
    detail: `${left[0]} ${left[1]} vs ${right[0]} ${right[1]}`,
  });
  const accounted = (BigInt(d.paidFen) + BigInt(d.returnedFen) + BigInt(d.unspentFen)).toString();
  const checks: ReconciliationCheck[] = [
    eq('collected = transferred', ['collected', c.collectedFen], ['transferred', c.transferredFen]),
    { name: 'nothing left behind', ok: c.leftBehindFen === '0', detail: `${c.leftBehindFen} fen of earlier months untransferred` },
    eq('transferred = received by the pool', ['transferred', c.transferredFen], ['received', d.receivedFen]),
    eq('allocated = approved', ['allocated', d.allocatedFen], ['approved', approvedFen]),
    eq('allocated = paid + returned + unspent', ['allocated', d.allocatedFen], ['paid+returned+unspent', accounted]),
    { name: 'collection ledger balanced', ok: c.ledgerBalanced, detail: c.ledgerBalanced ? 'every entry balances' : 'unbalanced entries' },
    {
      name: 'disbursement ledger balanced',
      ok: d.ledgerBalanced,
      detail: d.ledgerBalanced ? 'every entry balances' : 'unbalanced entries',
    },
  ];
  return {
    cityCode,
    collectedFen: c.collectedFen,
    transferredFen: c.transferredFen,
    receivedFen: d.receivedFen,
    approvedFen,
    allocatedFen: d.allocatedFen,
    paidFen: d.paidFen,
    returnedFen: d.returnedFen,
    unspentFen: d.unspentFen,
    checks,
    balanced: checks.every((x) => x.ok),
    // Who waited, what is held and the on-time rate, when the service reports them.
    ...(d.onTime ? { onTime: d.onTime } : {}),
    ...(d.held ? { held: d.held } : {}),
    ...(d.deferred ? { deferred: d.deferred, deferredCount: d.deferredCount ?? d.deferred.length, deferredFen: d.deferredFen ?? '0' } : {}),
  };
}
