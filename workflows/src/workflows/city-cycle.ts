import { CancellationScope, isCancellation, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { cityStatusQuery, sumFen, type CityCycleInput, type CityReconciliation } from '@fund/shared';
import { CityMonth } from './city/city-month';
import { ClosedByOperator, registerOperatorUpdates, stepRunner, type Step } from './city/operator';
import { payoutStage, registerPayoutHandlers, watchPayoutDeadline } from './city/payout';
import { registerReviewUpdates, releaseHeld, reviewStages } from './city/reviews';

export { RETURNED_PAYEES_PATCH } from './city/payout';

/**
 * One city's month: transfer up, plan, HRSS approval, finance review, allocation, payout,
 * reconciliation. Human steps arrive as Updates whose validators refuse bad decisions before
 * they enter history; the workflow never skips a step and never releases money without both
 * decisions. A step that fails for good waits for an operator instead of ending the month.
 */
export async function cityCycle(input: CityCycleInput): Promise<CityReconciliation> {
  const m = new CityMonth(input);
  const step = stepRunner(m);
  setHandler(cityStatusQuery, () => m.status);
  registerReviewUpdates(m);
  registerPayoutHandlers(m);
  registerOperatorUpdates(m);
  m.begin();
  // In the background; a cancelled month ends its timer too, which is no failure of its own.
  watchPayoutDeadline(m).catch((error: unknown) => {
    if (!isCancellation(error)) throw error;
  });

  try {
    await transferStage(m, step);
    m.enter('plan', 'disbursement');
    m.status.draft = (await step('plan', 'fetchDraft', () => m.acts.fetchDraft(m.key))).lines;
    const approvedLines = await reviewStages(m);
    const approvedFen = sumFen(approvedLines.map((l) => l.amountFen)).toString();
    await allocationStage(m, step, approvedFen);
    await payoutStage(m, step, approvedLines);
    return await reconciliationStage(m, step, approvedFen);
  } catch (error) {
    if (error instanceof ClosedByOperator) return closeByOperator(m, error);
    // Cancelled (an operator, or the province's close): give back what an unallocated plan holds.
    if (isCancellation(error)) await CancellationScope.nonCancellable(() => releaseHeld(m));
    throw error;
  }
}

/**
 * 1. All of the earlier months' collections go up; the pool books the receipt. A receipt refused
 * for good puts the money back in the city's income account; a retry is a new transfer.
 */
async function transferStage(m: CityMonth, step: Step): Promise<void> {
  let unreversed: number | null = null; // an attempt whose receipt was refused and whose reversal has not yet gone through
  await step('transfer', 'transfer', async (attempt) => {
    if (unreversed !== null) {
      await m.acts.reverseTransfer({ ...m.key, attempt: unreversed });
      unreversed = null;
    }
    m.wait('collection');
    const transfer = await m.withDeadline('transfer', m.acts.transferCollections({ ...m.key, attempt }));
    m.wait('disbursement');
    try {
      await m.withDeadline(
        'transfer',
        m.acts.receiveTransfer({ ...m.key, attempt, amountFen: transfer.amountFen, transferId: transfer.transferId }),
      );
    } catch (error) {
      if (isCancellation(error)) throw error;
      unreversed = attempt;
      await m.acts.reverseTransfer({ ...m.key, attempt });
      unreversed = null;
      throw error;
    }
    m.status.transferredFen = transfer.amountFen;
  });
}

/** 5. Allocation from the special account to the city's expenditure account. */
async function allocationStage(m: CityMonth, step: Step, approvedFen: string): Promise<void> {
  m.enter('allocation', 'disbursement');
  const allocation = await step('allocation', 'allocate', () =>
    m.withDeadline('allocation', m.acts.allocate({ ...m.key, amountFen: approvedFen })),
  );
  // Allocated: the reservation became the city's money, and the commitment its spending.
  m.held = null;
  m.status.allocatedFen = allocation.amountFen;
}

/** 7. Collected = transferred = received; allocated = approved = paid + returned + unspent. */
async function reconciliationStage(m: CityMonth, step: Step, approvedFen: string): Promise<CityReconciliation> {
  m.enter('reconciliation', 'nobody');
  const reconciliation = await step('reconciliation', 'reconcileCity', () => m.acts.reconcileCity({ ...m.key, approvedFen }));
  m.status.reconciliation = reconciliation;
  if (!reconciliation.balanced) log.error('city reconciliation does not balance', { ...m.key, checks: reconciliation.checks });
  m.enter('closed', 'nobody');
  log.info('city month closed', { ...m.key, workflowId: workflowInfo().workflowId });
  return reconciliation;
}

/**
 * An operator closed the month at a failed step: what an unallocated plan holds goes back, and
 * the close reconciles what did move (money allocated and not paid stays unspent in the city's
 * expenditure account). If the reconciliation itself cannot run, the close says so.
 */
async function closeByOperator(m: CityMonth, closed: ClosedByOperator): Promise<CityReconciliation> {
  m.payoutComplete = true;
  const released = await releaseHeld(m);
  m.status.closure = {
    stage: closed.stage,
    step: closed.step,
    error: closed.failure,
    reason: closed.reason,
    closedBy: closed.userId,
    at: new Date(Date.now()).toISOString(),
    released,
  };
  m.enter('reconciliation', 'nobody');
  const approvedFen = m.status.allocatedFen ?? '0';
  let reconciliation: CityReconciliation;
  try {
    reconciliation = await m.acts.reconcileCity({ ...m.key, approvedFen });
  } catch (error) {
    if (isCancellation(error)) throw error;
    reconciliation = unreconciled(m, m.noteFailure(error));
  }
  reconciliation = { ...reconciliation, closure: m.status.closure };
  m.status.reconciliation = reconciliation;
  m.enter('closed', 'nobody');
  log.warn('city month closed by an operator', { ...m.key, stage: closed.stage, step: closed.step, closedBy: closed.userId });
  return reconciliation;
}

/** What the workflow itself knows of a month it could not reconcile. */
function unreconciled(m: CityMonth, error: string): CityReconciliation {
  const known = (fen: string | null) => fen ?? '0';
  return {
    cityCode: m.cityCode,
    collectedFen: known(m.status.transferredFen),
    transferredFen: known(m.status.transferredFen),
    receivedFen: known(m.status.transferredFen),
    approvedFen: known(m.status.allocatedFen),
    allocatedFen: known(m.status.allocatedFen),
    paidFen: m.status.payout?.paidFen ?? '0',
    returnedFen: m.status.payout?.failedFen ?? '0',
    unspentFen: '0',
    checks: [{ name: 'reconciliation ran', ok: false, detail: `could not reconcile: ${error}` }],
    balanced: false,
  };
}
