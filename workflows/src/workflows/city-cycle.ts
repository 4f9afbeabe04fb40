import {
  ApplicationFailure,
  condition,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  cityByCode,
  cityStatusQuery,
  DEFAULT_PAYOUT_WARNING_LEAD_DAYS,
  financeDecisionUpdate,
  formatYuan,
  hrssDecisionUpdate,
  provincialPayoutSignal,
  repayReturnedUpdate,
  returnedPaymentsQuery,
  SearchAttributes,
  submitPlanUpdate,
  sumFen,
  type CityCycleInput,
  type CityReconciliation,
  type CityStatus,
  type Decision,
  type DeadlineStage,
  type PlanLine,
  type ProvincialCityPayout,
  type ReturnedPayees,
  type Stage,
  type WaitingFor,
} from '@fund/shared';
import { cycleActivities } from './activities';
import { validateFinanceDecision, validateHrssDecision, validatePlanSubmission, validateRepay } from './decisions';

/**
 * Patch (added while cycles ran): after the payout and after each re-payment, the city keeps the
 * list of payees whose payments were returned (query `returnedPayments`, for operators in the Web
 * UI). Histories from before replay without it; see workflows/src/workflows/__fixtures__/.
 */
export const RETURNED_PAYEES_PATCH = 'returned-payees-for-operators';

/**
 * Patch (added while cycles ran): a timer at the payout deadline minus the warning lead
 * (`settings.payoutWarningLeadMs`); if the payout is not complete by then the city raises the
 * early warning (activity `warnPayoutAtRisk`, status `payoutAtRisk`). Histories from before it
 * replay without the timer.
 */
export const PAYOUT_EARLY_WARNING_PATCH = 'payout-early-warning';

/**
 * One city's month: transfer up, plan, HRSS approval, finance review, allocation, payout,
 * reconciliation. Human steps arrive as Updates whose validators refuse bad decisions before
 * they enter history; the workflow never skips a step and never releases money without both
 * decisions.
 */
export async function cityCycle(input: CityCycleInput): Promise<CityReconciliation> {
  const { month, cityCode, deadlines, settings } = input;
  const acts = cycleActivities(settings);
  const city = cityByCode(cityCode);

  const status: CityStatus = {
    month,
    cityCode,
    stage: 'transfer',
    waitingFor: 'collection',
    overdue: false,
    overdueStages: [],
    deadline: deadlines.transfer,
    draft: null,
    plan: null,
    remainingBudgetFen: null,
    transferredFen: null,
    allocatedFen: null,
    payout: null,
    decisions: [],
    reconciliation: null,
    lastError: null,
    ...(settings.payoutDay !== undefined ? { payoutDay: settings.payoutDay } : {}),
  };
  let deciding = false; // one human decision at a time: its activities run before the next is accepted

  function enter(stage: Stage, waitingFor: WaitingFor): void {
    status.stage = stage;
    status.waitingFor = waitingFor;
    status.deadline = stage in deadlines ? deadlines[stage as DeadlineStage] : null;
    status.overdue = false;
    publish();
  }

  function publish(): void {
    upsertSearchAttributes([
      { key: SearchAttributes.CycleStage, value: status.stage },
      { key: SearchAttributes.WaitingFor, value: status.waitingFor },
      { key: SearchAttributes.Overdue, value: status.overdue },
    ]);
    describe();
  }

  /** The current details the Web UI shows: who, where it stands, until when, the money so far, the last error. */
  function describe(): void {
    const payout = status.payout;
    const amounts = [
      status.transferredFen !== null ? `transferred ${formatYuan(status.transferredFen)}` : null,
      status.plan ? `plan v${status.plan.version} (${status.plan.status}) ${formatYuan(sumFen(status.plan.lines.map((l) => l.amountFen)))}` : null,
      status.allocatedFen !== null ? `allocated ${formatYuan(status.allocatedFen)}` : null,
    ].filter(Boolean);
    // Markdown: hard line breaks keep it compact in the UI's details panel; "n of m", as "n/m" renders as a fraction.
    setCurrentDetails(
      [
        `**${city ? `${city.nameEn} ${city.nameZh}` : cityCode} (${cityCode}), ${month}**: ${status.stage}, waiting for ${status.waitingFor}` +
          (status.overdue ? ' - **OVERDUE**' : ''),
        status.deadline ? `${status.stage} deadline: ${status.deadline.slice(0, 16).replace('T', ' ')} UTC` : null,
        status.waitingFor === 'payout_day' && status.payoutDay ? `payout day begins ${status.payoutDay.slice(0, 16).replace('T', ' ')} UTC` : null,
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

  /** A step failed for good: the details say why before the failure ends the workflow or the Update. */
  function noteFailure(error: unknown): void {
    let cause: unknown = error;
    let reason = error instanceof Error ? error.message : String(error);
    while (cause instanceof Error) {
      if (cause instanceof ApplicationFailure) reason = cause.type ? `${cause.type}: ${cause.message}` : cause.message;
      cause = cause.cause;
    }
    status.lastError = reason;
    describe();
  }

  async function markOverdue(stage: DeadlineStage): Promise<void> {
    status.overdue = true;
    if (!status.overdueStages.includes(stage)) status.overdueStages.push(stage);
    publish();
    await acts.notifyOverdue({ month, cityCode, stage, deadline: deadlines[stage], waitingFor: status.waitingFor });
  }

  /** Waits for a human step; past the deadline the city is marked overdue and the wait goes on. */
  async function awaitDecision(stage: DeadlineStage, done: () => boolean): Promise<void> {
    const remaining = Date.parse(deadlines[stage]) - Date.now();
    if (remaining > 0 && (await condition(done, remaining))) return;
    if (!done()) {
      await markOverdue(stage);
      await condition(done);
    }
  }

  /** Runs an automated step; if it is still retrying at the deadline, the city shows overdue. */
  async function withDeadline<T>(stage: DeadlineStage, work: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    tracked.catch(() => undefined); // the caller sees the failure through the return below
    const remaining = Date.parse(deadlines[stage]) - Date.now();
    const inTime = remaining > 0 && (await condition(() => settled, remaining));
    if (!inTime && !settled) await markOverdue(stage);
    try {
      return await tracked;
    } catch (error) {
      noteFailure(error);
      throw error;
    }
  }

  function record(decision: Omit<Decision, 'at'>): void {
    status.decisions.push({ ...decision, at: new Date(Date.now()).toISOString() });
  }

  setHandler(cityStatusQuery, () => status);

  setHandler(
    submitPlanUpdate,
    async ({ actor, lines }) => {
      deciding = true;
      try {
        const version = (status.plan?.version ?? 0) + 1;
        await acts.recordPlan({ month, cityCode, version, lines, actor });
        status.plan = {
          version,
          status: 'submitted',
          lines,
          approvedLines: null,
          submittedBy: actor.userId,
          hrssApprovedBy: null,
          returnReason: null,
        };
        record({ planVersion: version, step: 'submission', decision: 'submit', userId: actor.userId, role: actor.role, reason: null });
        return status;
      } finally {
        deciding = false;
      }
    },
    { validator: (args) => validatePlanSubmission(status, cityCode, deciding, args) },
  );

  setHandler(
    hrssDecisionUpdate,
    async ({ actor, planVersion, decision, reason }) => {
      deciding = true;
      try {
        await acts.recordReview({
          month, cityCode, version: planVersion, step: 'hrss_review', decision,
          reason: reason ?? null, approvedLines: null, actor,
        });
        const plan = status.plan!;
        if (decision === 'approve') {
          plan.status = 'hrss_approved';
          plan.hrssApprovedBy = actor.userId;
        } else {
          plan.status = 'returned';
          plan.returnReason = reason ?? null;
        }
        record({ planVersion, step: 'hrss_review', decision, userId: actor.userId, role: actor.role, reason: reason ?? null });
        return status;
      } finally {
        deciding = false;
      }
    },
    { validator: (args) => validateHrssDecision(status, deciding, args) },
  );

  setHandler(
    financeDecisionUpdate,
    async ({ actor, planVersion, decision, reason, lines }) => {
      deciding = true;
      try {
        const plan = status.plan!;
        if (decision === 'return') {
          await acts.recordReview({
            month, cityCode, version: planVersion, step: 'finance_review', decision,
            reason: reason ?? null, approvedLines: null, actor,
          });
          plan.status = 'returned';
          plan.returnReason = reason ?? null;
        } else {
          const approved = decision === 'cut' ? lines! : plan.lines;
          await releaseFunds(approved, planVersion);
          try {
            await acts.recordReview({
              month, cityCode, version: planVersion, step: 'finance_review', decision,
              reason: reason ?? null, approvedLines: approved, actor,
            });
          } catch (error) {
            // Undo newest-first so a refused decision leaves no money earmarked.
            await acts.releasePool({ month, cityCode, version: planVersion });
            await acts.releaseBudget({ month, cityCode, version: planVersion });
            throw error;
          }
          plan.status = 'approved';
          plan.approvedLines = approved;
        }
        record({ planVersion, step: 'finance_review', decision, userId: actor.userId, role: actor.role, reason: reason ?? null });
        return status;
      } finally {
        deciding = false;
      }
    },
    { validator: (args) => validateFinanceDecision(status, deciding, args) },
  );

  /**
   * Commits the approved lines against the annual budget, then earmarks pool money. If the
   * pool cannot cover it, the budget commitment is released so the refusal leaves nothing behind.
   */
  async function releaseFunds(approved: PlanLine[], version: number): Promise<void> {
    await acts.commitBudget({ month, cityCode, version, lines: approved });
    try {
      await acts.reservePool({ month, cityCode, version, amountFen: sumFen(approved.map((l) => l.amountFen)).toString() });
    } catch (error) {
      await acts.releaseBudget({ month, cityCode, version });
      throw error;
    }
  }

  // What the province's payout day did for this city (cycles where the province pays; see monthlyCycle).
  let provincial: ProvincialCityPayout | null = null;
  setHandler(provincialPayoutSignal, (outcome) => {
    provincial = outcome;
  });

  let returned: ReturnedPayees | null = null;
  setHandler(returnedPaymentsQuery, () => returned);

  /** Fetches the returned payees still unpaid for the operator's list (patched in; see RETURNED_PAYEES_PATCH). */
  async function listReturned(): Promise<void> {
    try {
      returned = (status.payout?.failed ?? 0) > 0 ? await acts.returnedPayees({ month, cityCode }) : null;
    } catch (error) {
      // The list is for operators; its failure must not stop the payout.
      log.warn('could not list the returned payees', { month, cityCode, error: (error as Error).message });
      returned = null;
    }
  }

  let repayRequests = 0;
  setHandler(
    repayReturnedUpdate,
    async () => {
      deciding = true;
      try {
        repayRequests += 1;
        await acts.repayReturned({ month, cityCode, attempt: repayRequests });
        status.payout = await acts.payoutProgress({ month, cityCode });
        if (patched(RETURNED_PAYEES_PATCH)) await listReturned();
        publish();
        return status;
      } finally {
        deciding = false;
      }
    },
    { validator: (args) => validateRepay(status, deciding, args) },
  );

  upsertSearchAttributes([
    { key: SearchAttributes.CycleMonth, value: month },
    { key: SearchAttributes.CityCode, value: cityCode },
  ]);
  publish();

  let payoutComplete = false;
  /** The early warning: before the payout deadline passes, not after (see PAYOUT_EARLY_WARNING_PATCH). */
  async function watchPayoutDeadline(): Promise<void> {
    const lead = settings.payoutWarningLeadMs ?? DEFAULT_PAYOUT_WARNING_LEAD_DAYS * 86_400_000;
    const remaining = Date.parse(deadlines.payout) - lead - Date.now();
    if (remaining > 0 && (await condition(() => payoutComplete, remaining))) return;
    if (payoutComplete) return;
    status.payoutAtRisk = true;
    publish();
    try {
      await acts.warnPayoutAtRisk({ month, cityCode, stage: status.stage, deadline: deadlines.payout, waitingFor: status.waitingFor });
    } catch (error) {
      log.warn('could not send the payout early warning', { month, cityCode, error: (error as Error).message });
    }
  }
  if (patched(PAYOUT_EARLY_WARNING_PATCH)) void watchPayoutDeadline();

  // 1. City transfer: all of the prior month's collections go up; the pool books the receipt.
  const transfer = await withDeadline('transfer', acts.transferCollections({ month, cityCode }));
  enter('transfer', 'disbursement');
  try {
    await withDeadline('transfer', acts.receiveTransfer({ month, cityCode, amountFen: transfer.amountFen, transferId: transfer.transferId }));
  } catch (error) {
    // The province refused the money for good: put it back in the city's income account.
    await acts.reverseTransfer({ month, cityCode });
    throw error;
  }
  status.transferredFen = transfer.amountFen;

  // 2-4. Plan, HRSS approval, finance review; a return sends the plan back to the city.
  status.draft = (await acts.fetchDraft({ month, cityCode })).lines;
  // Read through a function: the plan changes inside Update handlers while the loop awaits.
  const planStatus = () => status.plan?.status;
  for (;;) {
    enter('plan', 'city_agency');
    await awaitDecision('plan', () => planStatus() === 'submitted' && !deciding);

    enter('hrss_review', 'hrss_reviewer');
    await awaitDecision('hrss_review', () => planStatus() !== 'submitted' && !deciding);
    if (planStatus() === 'returned') continue;

    status.remainingBudgetFen = (await acts.remainingBudget({ month, cityCode })).remainingFen;
    enter('finance_review', 'finance_reviewer');
    await awaitDecision('finance_review', () => planStatus() !== 'hrss_approved' && !deciding);
    if (planStatus() === 'returned') continue;
    break;
  }
  const approvedLines = status.plan!.approvedLines!;
  const approvedFen = sumFen(approvedLines.map((l) => l.amountFen)).toString();

  // 5. Allocation from the special account to the city's expenditure account.
  enter('allocation', 'disbursement');
  const allocation = await withDeadline('allocation', acts.allocate({ month, cityCode, amountFen: approvedFen }));
  status.allocatedFen = allocation.amountFen;

  // 6. Payout in batches, by the province's task or one heartbeating activity of the city's own:
  // either way history does not grow with the register.
  enter('payout', 'disbursement');
  await acts.preparePayout({ month, cityCode, approvedLines, dueDate: deadlines.payout });
  // The province pays together on its payout day: in one provincial task, whose word the city
  // waits for (a grace past the day's start at most), or, in cycles started before the province
  // paid, each city on its own timer. Cycles started before payout days existed have neither in
  // their input, so their histories replay unchanged.
  if (settings.payoutDay !== undefined) {
    const wait = Date.parse(settings.payoutDay) - Date.now();
    if (wait > 0) {
      enter('payout', 'payout_day');
      if (settings.provincialPayoutGraceMs === undefined) await sleep(wait);
      else await condition(() => provincial !== null, wait + settings.provincialPayoutGraceMs);
      enter('payout', 'disbursement');
    }
  }
  // Paid by the province, or else by the city itself (each batch's key is the same either way).
  const word = provincial as ProvincialCityPayout | null;
  if (word?.outcome === 'failed') log.warn("the province's payout did not pay this city; it pays itself", { month, cityCode, error: word.error });
  status.payout =
    word?.outcome === 'paid' ? word.progress : await withDeadline('payout', acts.payCity({ month, cityCode, batchSize: settings.payoutBatchSize }));
  if (status.payout.failed > 0 && patched(RETURNED_PAYEES_PATCH)) await listReturned();
  publish();
  if (status.payout.failed > 0) {
    // Returned payments wait for corrected bank details and an operator's repay until the deadline.
    enter('payout', 'city_agency');
    const remaining = Date.parse(deadlines.payout) - Date.now();
    if (remaining > 0) await condition(() => (status.payout?.failed ?? 0) === 0 && !deciding, remaining);
    await condition(() => !deciding);
  }

  // 7. Reconciliation.
  payoutComplete = true;
  enter('reconciliation', 'nobody');
  const reconciliation = await acts.reconcileCity({ month, cityCode, approvedFen });
  status.reconciliation = reconciliation;
  if (!reconciliation.balanced) {
    log.error('city reconciliation does not balance', { month, cityCode, checks: reconciliation.checks });
  }
  enter('closed', 'nobody');
  log.info('city month closed', { month, cityCode, workflowId: workflowInfo().workflowId });
  return reconciliation;
}

