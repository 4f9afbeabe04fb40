import { setHandler } from '@temporalio/workflow';
import {
  financeDecisionUpdate,
  hrssDecisionUpdate,
  submitPlanUpdate,
  sumFen,
  type FinanceDecisionArgs,
  type HrssDecisionArgs,
  type PlanLine,
  type SubmitPlanArgs,
} from '@fund/shared';
import { validateFinanceDecision, validateHrssDecision, validatePlanSubmission } from '../decisions';
import type { CityMonth } from './city-month';

/**
 * Stages 2-4: the city submits its plan, HRSS approves it, finance reviews it; a return sends
 * the plan back to the city. Answers the approved lines.
 */
export async function reviewStages(m: CityMonth): Promise<PlanLine[]> {
  // Read through a function: the plan changes inside the Update handlers while the loop awaits.
  const planStatus = () => m.status.plan?.status;
  for (;;) {
    m.enter('plan', 'city_agency');
    await m.untilDone('plan', () => planStatus() === 'submitted' && !m.deciding);

    m.enter('hrss_review', 'hrss_reviewer');
    await m.untilDone('hrss_review', () => planStatus() !== 'submitted' && !m.deciding);
    if (planStatus() === 'returned') continue;

    m.status.remainingBudgetFen = (await m.acts.remainingBudget(m.key)).remainingFen;
    m.enter('finance_review', 'finance_reviewer');
    await m.untilDone('finance_review', () => planStatus() !== 'hrss_approved' && !m.deciding);
    if (planStatus() === 'returned') continue;
    return m.status.plan!.approvedLines!;
  }
}

/** The three human steps of the review, as Updates whose validators refuse bad decisions before history. */
export function registerReviewUpdates(m: CityMonth): void {
  setHandler(submitPlanUpdate, (args) => decide(m, () => submitPlan(m, args)), {
    validator: (args) => validatePlanSubmission(m.status, m.cityCode, m.deciding, args),
  });
  setHandler(hrssDecisionUpdate, (args) => decide(m, () => hrssDecision(m, args)), {
    validator: (args) => validateHrssDecision(m.status, m.deciding, args),
  });
  setHandler(financeDecisionUpdate, (args) => decide(m, () => financeDecision(m, args)), {
    validator: (args) => validateFinanceDecision(m.status, m.deciding, args),
  });
}

/** One decision at a time: its activities run before the next is accepted. */
export async function decide(m: CityMonth, work: () => Promise<void>): Promise<CityMonth['status']> {
  m.deciding = true;
  try {
    await work();
    return m.status;
  } finally {
    m.deciding = false;
  }
}

async function submitPlan(m: CityMonth, { actor, lines }: SubmitPlanArgs): Promise<void> {
  const version = (m.status.plan?.version ?? 0) + 1;
  await m.acts.recordPlan({ ...m.key, version, lines, actor });
  m.status.plan = {
    version,
    status: 'submitted',
    lines,
    approvedLines: null,
    submittedBy: actor.userId,
    hrssApprovedBy: null,
    returnReason: null,
  };
  m.record({ planVersion: version, step: 'submission', decision: 'submit', userId: actor.userId, role: actor.role, reason: null });
}

async function hrssDecision(m: CityMonth, { actor, planVersion, decision, reason }: HrssDecisionArgs): Promise<void> {
  await m.acts.recordReview({
    ...m.key,
    version: planVersion,
    step: 'hrss_review',
    decision,
    reason: reason ?? null,
    approvedLines: null,
    actor,
  });
  const plan = m.status.plan!;
  if (decision === 'approve') {
    plan.status = 'hrss_approved';
    plan.hrssApprovedBy = actor.userId;
  } else {
    plan.status = 'returned';
    plan.returnReason = reason ?? null;
  }
  m.record({ planVersion, step: 'hrss_review', decision, userId: actor.userId, role: actor.role, reason: reason ?? null });
}

async function financeDecision(m: CityMonth, { actor, planVersion, decision, reason, lines }: FinanceDecisionArgs): Promise<void> {
  const plan = m.status.plan!;
  const review = { ...m.key, version: planVersion, step: 'finance_review' as const, decision, reason: reason ?? null, actor };
  if (decision === 'return') {
    await m.acts.recordReview({ ...review, approvedLines: null });
    plan.status = 'returned';
    plan.returnReason = reason ?? null;
  } else {
    const approved = decision === 'cut' ? lines! : plan.lines;
    await holdFunds(m, approved, planVersion);
    try {
      await m.acts.recordReview({ ...review, approvedLines: approved });
    } catch (error) {
      // Undo newest-first so a refused decision leaves no money earmarked.
      await releaseHeld(m);
      throw error;
    }
    plan.status = 'approved';
    plan.approvedLines = approved;
  }
  m.record({ planVersion, step: 'finance_review', decision, userId: actor.userId, role: actor.role, reason: reason ?? null });
}

/**
 * Commits the approved lines against the annual budget, then earmarks pool money. If the pool
 * cannot cover it, the budget commitment is released so the refusal leaves nothing behind.
 */
async function holdFunds(m: CityMonth, approved: PlanLine[], version: number): Promise<void> {
  await m.acts.commitBudget({ ...m.key, version, lines: approved });
  m.held = { version, pool: false, budget: true };
  await m.acts
    .reservePool({ ...m.key, version, amountFen: sumFen(approved.map((l) => l.amountFen)).toString() })
    .catch(async (error: unknown) => {
      await releaseHeld(m);
      throw error;
    });
  m.held.pool = true;
}

/**
 * Gives back, newest first, what an approved plan holds before its allocation: the pool
 * reservation, then the budget commitment. Answers what it released.
 */
export async function releaseHeld(m: CityMonth): Promise<{ pool: boolean; budget: boolean }> {
  const held = m.held;
  if (!held) return { pool: false, budget: false };
  if (held.pool) await m.acts.releasePool({ ...m.key, version: held.version });
  if (held.budget) await m.acts.releaseBudget({ ...m.key, version: held.version });
  m.held = null;
  return { pool: held.pool, budget: held.budget };
}
