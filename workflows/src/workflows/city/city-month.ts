import { ApplicationFailure, condition, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import {
  cityByCode,
  formatYuan,
  SearchAttributes,
  sumFen,
  type CityCycleInput,
  type CityStatus,
  type DeadlineStage,
  type Decision,
  type ProvincialCityPayout,
  type ReturnedPayees,
  type Stage,
  type WaitingFor,
} from '@fund/shared';
import { cycleActivities } from '../activity-stubs';

/**
 * The one state object of a city's month, and the small helpers every stage uses: entering a
 * stage, what operators see (search attributes, details), deadlines and overdue marks.
 */
export class CityMonth {
  readonly month: string;
  readonly cityCode: string;
  readonly deadlines: CityCycleInput['deadlines'];
  readonly settings: CityCycleInput['settings'];
  readonly acts: ReturnType<typeof cycleActivities>;
  readonly status: CityStatus;
  /** One human decision at a time: its activities run before the next is accepted. */
  deciding = false;
  /** What the province's payout day did for this city (cycles with a payout day). */
  provincial: ProvincialCityPayout | null = null;
  /** The returned payees still unpaid, for operators in the Web UI. */
  returned: ReturnedPayees | null = null;
  payoutComplete = false;
  /** What the month holds of the pool and the budget: an approved plan's version until it is allocated. */
  held: { version: number; pool: boolean; budget: boolean } | null = null;
  /** An operator's decision on the step that failed for good, once made. */
  operatorDecision: { action: 'retry' | 'close'; userId: string; reason: string | null } | null = null;
  private readonly label: string;

  constructor(input: CityCycleInput) {
    this.month = input.month;
    this.cityCode = input.cityCode;
    this.deadlines = input.deadlines;
    this.settings = input.settings;
    this.acts = cycleActivities(input.settings);
    const city = cityByCode(input.cityCode);
    this.label = `${city ? `${city.nameEn} ${city.nameZh}` : input.cityCode} (${input.cityCode}), ${input.month}`;
    this.status = {
      month: input.month,
      cityCode: input.cityCode,
      stage: 'transfer',
      waitingFor: 'collection',
      overdue: false,
      overdueStages: [],
      deadline: input.deadlines.transfer,
      draft: null,
      plan: null,
      remainingBudgetFen: null,
      transferredFen: null,
      allocatedFen: null,
      payout: null,
      decisions: [],
      reconciliation: null,
      lastError: null,
      failure: null,
      operatorDecisions: [],
      closure: null,
      ...(input.settings.payoutDay !== undefined ? { payoutDay: input.settings.payoutDay } : {}),
    };
  }

  /** The key of a month and city in every activity call. */
  get key(): { month: string; cityCode: string } {
    return { month: this.month, cityCode: this.cityCode };
  }

  begin(): void {
    upsertSearchAttributes([
      { key: SearchAttributes.CycleMonth, value: this.month },
      { key: SearchAttributes.CityCode, value: this.cityCode },
    ]);
    this.publish();
  }

  enter(stage: Stage, waitingFor: WaitingFor): void {
    this.status.stage = stage;
    this.status.deadline = stage in this.deadlines ? this.deadlines[stage as DeadlineStage] : null;
    this.status.overdue = false;
    this.wait(waitingFor);
  }

  /** Within a stage, what it now waits for. */
  wait(waitingFor: WaitingFor): void {
    this.status.waitingFor = waitingFor;
    this.publish();
  }

  publish(): void {
    upsertSearchAttributes([
      { key: SearchAttributes.CycleStage, value: this.status.stage },
      { key: SearchAttributes.WaitingFor, value: this.status.waitingFor },
      { key: SearchAttributes.Overdue, value: this.status.overdue },
    ]);
    this.describe();
  }

  /** The current details the Web UI shows: who, where it stands, until when, the money so far, the last error. */
  describe(): void {
    const { status } = this;
    const payout = status.payout;
    const amounts = [
      status.transferredFen !== null ? `transferred ${formatYuan(status.transferredFen)}` : null,
      status.plan
        ? `plan v${status.plan.version} (${status.plan.status}) ${formatYuan(sumFen(status.plan.lines.map((l) => l.amountFen)))}`
        : null,
      status.allocatedFen !== null ? `allocated ${formatYuan(status.allocatedFen)}` : null,
    ].filter(Boolean);
    const at = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
    // Markdown: hard line breaks keep it compact in the UI's details panel; "n of m", as "n/m" renders as a fraction.
    setCurrentDetails(
      [
        `**${this.label}**: ${status.stage}, waiting for ${status.waitingFor}` + (status.overdue ? ' - **OVERDUE**' : ''),
        status.deadline ? `${status.stage} deadline: ${at(status.deadline)}` : null,
        status.waitingFor === 'payout_day' && status.payoutDay ? `payout day begins ${at(status.payoutDay)}` : null,
        status.failure
          ? `**step ${status.failure.step} failed for good** (attempt ${status.failure.attempt}): retry or close it (Updates retryStep, closeCity)`
          : null,
        status.closure ? `closed by ${status.closure.closedBy} at ${status.closure.stage}: ${status.closure.reason}` : null,
        amounts.join(' · ') || null,
        payout
          ? `payout: ${payout.paid} of ${payout.total} paid, ${formatYuan(payout.paidFen)}` +
            (payout.failed > 0 ? `; ${payout.failed} returned, ${formatYuan(payout.failedFen)} (query returnedPayments)` : '')
          : null,
        status.lastError ? `last error: ${status.lastError}` : null,
      ]
        .filter(Boolean)
        .join('  \n'),
    );
  }

  /** A step failed: the service's code and message, as operators should read them. */
  noteFailure(error: unknown): string {
    let cause: unknown = error;
    let reason = error instanceof Error ? error.message : String(error);
    while (cause instanceof Error) {
      if (cause instanceof ApplicationFailure) reason = cause.type ? `${cause.type}: ${cause.message}` : cause.message;
      cause = cause.cause;
    }
    this.status.lastError = reason;
    this.describe();
    return reason;
  }

  async markOverdue(stage: DeadlineStage): Promise<void> {
    this.status.overdue = true;
    if (!this.status.overdueStages.includes(stage)) this.status.overdueStages.push(stage);
    this.publish();
    await this.acts.notifyOverdue({ ...this.key, stage, deadline: this.deadlines[stage], waitingFor: this.status.waitingFor });
  }

  /** Waits until `done`; past the stage's deadline the city is marked overdue and the wait goes on. */
  async untilDone(stage: Stage, done: () => boolean): Promise<void> {
    const deadline = stage in this.deadlines ? this.deadlines[stage as DeadlineStage] : null;
    if (deadline === null) return condition(done);
    const remaining = Date.parse(deadline) - Date.now();
    if (remaining > 0 && (await condition(done, remaining))) return;
    if (!done()) {
      if (!this.status.overdue) await this.markOverdue(stage as DeadlineStage);
      await condition(done);
    }
  }

  /** Runs automated work; if it is still retrying at the stage's deadline, the city shows overdue. */
  async withDeadline<T>(stage: Stage, work: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    tracked.catch(() => undefined); // the caller sees the failure through the return below
    await this.untilDone(stage, () => settled);
    return tracked;
  }

  record(decision: Omit<Decision, 'at'>): void {
    this.status.decisions.push({ ...decision, at: new Date(Date.now()).toISOString() });
  }
}
