import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, sumFen, type CityReconciliation, type PayoutProgress, type PlanLine } from '@fund/shared';
import type { createActivities } from '../activities';

/** The cycle's activities, as the workflows call them. */
export type Activities = ReturnType<typeof createActivities>;
export type ActivityName = keyof Activities;
type Input<N extends ActivityName> = Parameters<Activities[N]>;
type Output<N extends ActivityName> = Awaited<ReturnType<Activities[N]>>;
type Impl<N extends ActivityName> = (...args: Input<N>) => Promise<Output<N>>;

/** One attempt of an activity, as the worker ran it (a retried step is one call per attempt). */
export interface ActivityCall {
  name: ActivityName;
  args: unknown[];
  /** What the attempt answered, once it answered (absent while it runs or when it failed). */
  answer?: unknown;
}

/** Lines of the draft the stub disbursement service offers: 580,000 fen in all. */
export const DRAFT_LINES: PlanLine[] = [
  { category: 'long_term', count: 10, amountFen: '500000' },
  { category: 'medical', count: 2, amountFen: '80000' },
];

/** What the stub collection service transfers up for a city. */
export const TRANSFER_FEN = '1250000';

/** What every city has left of its annual budget, unless a test says otherwise. */
export const REMAINING_BUDGET_FEN = '100000000';

const FEN_PER_PAYMENT = 40_000n;

/** A payout's progress with `paid` payments made and `failed` returned by the bank, nothing else pending. */
export function progress(paid: number, failed = 0): PayoutProgress {
  return {
    total: paid + failed,
    paid,
    failed,
    held: 0,
    deferred: 0,
    pending: 0,
    paidFen: (BigInt(paid) * FEN_PER_PAYMENT).toString(),
    failedFen: (BigInt(failed) * FEN_PER_PAYMENT).toString(),
  };
}

/** A city's reconciliation that balances, with what was approved allocated and paid. */
export function balancedReconciliation(cityCode: string, approvedFen: string): CityReconciliation {
  return {
    cityCode,
    collectedFen: TRANSFER_FEN,
    transferredFen: TRANSFER_FEN,
    receivedFen: TRANSFER_FEN,
    approvedFen,
    allocatedFen: approvedFen,
    paidFen: approvedFen,
    returnedFen: '0',
    unspentFen: '0',
    checks: [{ name: 'allocated = paid + returned + unspent', ok: true, detail: `allocated ${approvedFen}` }],
    balanced: true,
  };
}

/** The total of `amountFen` over the answers of one activity's successful calls. */
function answeredFen(calls: readonly ActivityCall[], name: ActivityName): bigint {
  return sumFen(calls.filter((c) => c.name === name && c.answer !== undefined).map((c) => (c.answer as { amountFen: string }).amountFen));
}

/** Plausible answers of the three services, each as the real activity would return it; the pool adds up what it was sent. */
function defaults(calls: readonly ActivityCall[]): Activities {
  return {
    async transferCollections({ month, cityCode }) {
      return {
        transferId: `transfer-${month}-${cityCode}`,
        month,
        cityCode,
        amountFen: TRANSFER_FEN,
        contributionCount: 12,
        replayed: false,
      };
    },
    async receiveTransfer({ transferId, amountFen }) {
      return { id: `receipt-${transferId}`, amountFen, replayed: false };
    },
    async reverseTransfer() {},
    async fetchDraft({ month, cityCode }) {
      return { month, cityCode, lines: DRAFT_LINES };
    },
    async recordPlan() {},
    async recordReview() {},
    async remainingBudget({ month, cityCode }) {
      return {
        year: Number(month.slice(0, 4)),
        cityCode,
        lines: [],
        budgetFen: REMAINING_BUDGET_FEN,
        committedFen: '0',
        remainingFen: REMAINING_BUDGET_FEN,
      };
    },
    async commitBudget() {},
    async releaseBudget() {},
    async reservePool({ month, cityCode, version, amountFen }) {
      return { id: `reservation-${month}-${cityCode}-v${version}`, amountFen, replayed: false };
    },
    async releasePool() {},
    async allocate({ month, cityCode, amountFen }) {
      return { id: `allocation-${month}-${cityCode}`, amountFen, replayed: false };
    },
    async preparePayout({ approvedLines }) {
      return {
        entitlements: approvedLines.reduce((n, l) => n + l.count, 0),
        totalFen: sumFen(approvedLines.map((l) => l.amountFen)).toString(),
        deferred: 0,
        deferredFen: '0',
      };
    },
    async payCity() {
      return progress(12);
    },
    async payProvince({ month, cityCodes }) {
      return { month, cities: cityCodes.map((cityCode) => ({ cityCode, outcome: 'paid' as const, batches: 1, progress: progress(12) })) };
    },
    async returnedPayees({ month, cityCode }) {
      return { month, cityCode, count: 0, returnedFen: '0', payees: [] };
    },
    async payoutProgress() {
      return progress(12);
    },
    async repayReturned() {
      return { repaid: 0, repaidFen: '0', stillFailed: 0 };
    },
    async reconcileCity({ cityCode, approvedFen }) {
      return balancedReconciliation(cityCode, approvedFen);
    },
    async poolPosition() {
      const received = answeredFen(calls, 'receiveTransfer');
      const allocated = answeredFen(calls, 'allocate');
      return { receivedFen: received.toString(), allocatedFen: allocated.toString(), balanceFen: (received - allocated).toString() };
    },
    async storeReport() {},
    async notifyOverdue() {},
    async warnPayoutAtRisk() {},
  };
}

/** A held activity: its calls wait until the test releases it. */
export interface Hold {
  release(): void;
}

/** Stub activities for a worker under test: each records its calls and answers as set. */
export interface StubActivities {
  /** Give these to the worker. */
  readonly activities: Activities;
  /** Every attempt of every activity, in the order the worker started them. */
  readonly calls: readonly ActivityCall[];
  /** The names of the calls, in order. */
  names(): ActivityName[];
  /** The first argument of each call of one activity, in order. */
  argsOf<N extends ActivityName>(name: N): Input<N>[0][];
  /** How many times one activity was attempted. */
  count(name: ActivityName): number;
  /** Answers `name` with `impl` from now on. */
  set<N extends ActivityName>(name: N, impl: Impl<N>): void;
  /** Answers `name` with the plausible default again. */
  restore(name: ActivityName): void;
  /** Answers the calls of `name` with these answers in turn; the last one repeats. */
  answer<N extends ActivityName>(name: N, ...answers: Output<N>[]): void;
  /** A business refusal: every call of `name` fails for good with this message and error type. */
  refuse(name: ActivityName, message: string, type: string): void;
  /** A refusal of the calls that `when` picks; the others answer as before. */
  refuseWhen<N extends ActivityName>(name: N, when: (...args: Input<N>) => boolean, message: string, type: string): void;
  /** An outage: the next `times` calls of `name` fail with a retryable error, then it answers as before. */
  failTimes(name: ActivityName, times: number, message?: string): void;
  /** Holds the calls of `name` until released (a slow service); then they answer as before. */
  hold(name: ActivityName): Hold;
  /** Releases every hold (the worker cannot shut down while a call waits). */
  releaseAll(): void;
}

/** Stub activities answering plausibly, with `overrides` in place of the defaults. */
export function stubActivities(overrides: Partial<Activities> = {}): StubActivities {
  const calls: ActivityCall[] = [];
  const impls: Record<string, (...args: unknown[]) => Promise<unknown>> = { ...defaults(calls), ...overrides } as never;
  const holds = new Set<() => void>();

  const activities = Object.fromEntries(
    Object.keys(impls).map((name) => [
      name,
      async (...args: unknown[]) => {
        const call: ActivityCall = { name: name as ActivityName, args };
        calls.push(call);
        call.answer = await impls[name]!(...args);
        return call.answer;
      },
    ]),
  ) as unknown as Activities;

  const wrap = (
    name: ActivityName,
    around: (previous: (...args: unknown[]) => Promise<unknown>) => (...args: unknown[]) => Promise<unknown>,
  ) => {
    impls[name] = around(impls[name]!);
  };

  return {
    activities,
    calls,
    names: () => calls.map((c) => c.name),
    argsOf: <N extends ActivityName>(name: N) => calls.filter((c) => c.name === name).map((c) => c.args[0] as Input<N>[0]),
    count: (name) => calls.filter((c) => c.name === name).length,
    set(name, impl) {
      impls[name] = impl as never;
    },
    restore(name) {
      impls[name] = (defaults(calls) as unknown as typeof impls)[name]!;
    },
    answer(name, ...answers) {
      let next = 0;
      impls[name] = async () => answers[Math.min(next++, answers.length - 1)];
    },
    refuse(name, message, type) {
      impls[name] = async () => {
        throw ApplicationFailure.nonRetryable(message, type);
      };
    },
    refuseWhen(name, when, message, type) {
      wrap(name, (previous) => async (...args) => {
        if ((when as (...a: unknown[]) => boolean)(...args)) throw ApplicationFailure.nonRetryable(message, type);
        return previous(...args);
      });
    },
    failTimes(name, times, message = `${name}: the service is unavailable`) {
      let failed = 0;
      wrap(name, (previous) => async (...args) => {
        if (failed < times) {
          failed += 1;
          throw ApplicationFailure.retryable(message, ErrorCode.ServiceUnavailable);
        }
        return previous(...args);
      });
    },
    hold(name) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.add(release);
      wrap(name, (previous) => async (...args) => {
        // A held call heartbeats, as the real payout does between batches, so no heartbeat timeout ends it.
        const context = Context.current();
        const beat = setInterval(() => context.heartbeat(), 1_000);
        try {
          await released;
        } finally {
          clearInterval(beat);
        }
        return previous(...args);
      });
      return {
        release: () => {
          holds.delete(release);
          release();
        },
      };
    },
    releaseAll() {
      for (const release of holds) release();
      holds.clear();
    },
  };
}
