import { ApplicationFailure } from '@temporalio/workflow';
import {
  ErrorCode,
  planLinesSchema,
  sumFen,
  type Actor,
  type CityStatus,
  type BeginPayoutDayArgs,
  type CloseCityArgs,
  type CycleStatus,
  type FinanceDecisionArgs,
  type HrssDecisionArgs,
  type PlanLine,
  type RepayReturnedArgs,
  type RetryStepArgs,
  type Role,
  type SubmitPlanArgs,
} from '@fund/shared';

// Validators run before an Update enters history: a refusal here leaves no trace but the caller's error.

function refuse(rule: string): never {
  throw ApplicationFailure.nonRetryable(rule, ErrorCode.InvalidDecision);
}

function requireRole(actor: Actor, role: Role): void {
  if (actor.role !== role) refuse(`only ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} may do this (caller is ${actor.role})`);
}

function requireStage(status: CityStatus, stage: CityStatus['stage'], deciding: boolean): void {
  if (status.stage !== stage) refuse(`the plan of ${status.cityCode} is at stage ${status.stage}, not ${stage}`);
  if (deciding) refuse('another decision on this plan is being recorded; try again in a moment');
}

function requireNotStale(status: CityStatus, planVersion: number): void {
  const current = status.plan?.version ?? 0;
  if (planVersion < current) refuse(`plan version ${planVersion} is stale; the current version is ${current}`);
}

function requireExists(status: CityStatus, planVersion: number): void {
  const current = status.plan?.version ?? 0;
  if (planVersion > current) refuse(`plan version ${planVersion} does not exist; the current version is ${current}`);
}

/** A version gets one decision per review step; a second one is refused naming the first. */
function requireUndecided(status: CityStatus, step: 'hrss_review' | 'finance_review', planVersion: number): void {
  const earlier = status.decisions.find((d) => d.step === step && d.planVersion === planVersion);
  const label = step === 'hrss_review' ? 'HRSS review' : 'finance review';
  if (earlier) refuse(`plan version ${planVersion} was already decided at ${label} (${earlier.decision} by ${earlier.userId})`);
}

function requireReason(reason: string | undefined, what: string): void {
  if (!reason || reason.trim().length === 0) refuse(`a reason is required to ${what}`);
}

/** A city agency submits its own city's plan, at the plan stage. */
export function validatePlanSubmission(status: CityStatus, cityCode: string, deciding: boolean, args: SubmitPlanArgs): void {
  requireRole(args.actor, 'city_agency');
  requireStage(status, 'plan', deciding);
  if (args.actor.cityCode !== cityCode)
    refuse(`a city agency may submit only its own city's plan (caller is scoped to ${args.actor.cityCode ?? 'no city'})`);
  const parsed = planLinesSchema.safeParse(args.lines);
  if (!parsed.success)
    refuse(`plan lines are invalid: ${parsed.error.issues.map((i) => `lines.${i.path.join('.')} ${i.message}`).join('; ')}`);
}

/** HRSS approves or returns the current submitted version; the submitter cannot approve it. */
export function validateHrssDecision(status: CityStatus, deciding: boolean, args: HrssDecisionArgs): void {
  requireRole(args.actor, 'hrss_reviewer');
  requireNotStale(status, args.planVersion);
  requireUndecided(status, 'hrss_review', args.planVersion);
  requireStage(status, 'hrss_review', deciding);
  requireExists(status, args.planVersion);
  const plan = status.plan;
  if (!plan || plan.status !== 'submitted') refuse(`plan version ${args.planVersion} was already decided`);
  if (args.decision !== 'approve' && args.decision !== 'return') refuse(`HRSS may approve or return, not ${String(args.decision)}`);
  if (args.decision === 'return') requireReason(args.reason, 'return a plan');
  if (args.actor.userId === plan.submittedBy) refuse('separation of duties: the submitter of a plan cannot approve it');
}

/** Finance approves, returns or cuts the HRSS-approved version; it must be a third person. */
export function validateFinanceDecision(status: CityStatus, deciding: boolean, args: FinanceDecisionArgs): void {
  requireRole(args.actor, 'finance_reviewer');
  requireNotStale(status, args.planVersion);
  requireUndecided(status, 'finance_review', args.planVersion);
  requireStage(status, 'finance_review', deciding);
  requireExists(status, args.planVersion);
  const plan = status.plan;
  if (!plan || plan.status !== 'hrss_approved') refuse(`plan version ${args.planVersion} was already decided`);
  if (args.actor.userId === plan.hrssApprovedBy) {
    refuse('separation of duties: the HRSS approver of a plan cannot also do its finance review');
  }
  if (args.actor.userId === plan.submittedBy) refuse('separation of duties: the submitter of a plan cannot review it');
  if (!['approve', 'return', 'cut'].includes(args.decision)) refuse(`finance may approve, cut or return, not ${String(args.decision)}`);
  if (args.decision === 'return') requireReason(args.reason, 'return a plan');
  let approved: PlanLine[] = plan.lines;
  if (args.decision === 'cut') {
    requireReason(args.reason, 'cut a plan');
    approved = validateCut(plan.lines, args.lines);
  } else if (args.lines !== undefined) {
    refuse('lines may be given only with a cut');
  }
  if (args.decision !== 'return' && status.remainingBudgetFen !== null) {
    const total = sumFen(approved.map((l) => l.amountFen));
    if (total > BigInt(status.remainingBudgetFen)) {
      refuse(`budget execution limit: approving ${total} fen exceeds the remaining annual budget of ${status.remainingBudgetFen} fen`);
    }
  }
}

function validateCut(submitted: PlanLine[], cut: PlanLine[] | undefined): PlanLine[] {
  if (!cut) refuse('a cut must give the lowered lines');
  const parsed = planLinesSchema.safeParse(cut);
  if (!parsed.success)
    refuse(`cut lines are invalid: ${parsed.error.issues.map((i) => `lines.${i.path.join('.')} ${i.message}`).join('; ')}`);
  const byCategory = new Map(submitted.map((l) => [l.category, l]));
  if (cut.length !== submitted.length || cut.some((l) => !byCategory.has(l.category))) {
    refuse('a cut must give exactly the categories of the submitted plan');
  }
  let lowered = false;
  for (const line of cut) {
    const original = byCategory.get(line.category)!;
    if (BigInt(line.amountFen) > BigInt(original.amountFen)) {
      refuse(`a cut cannot raise ${line.category} above the submitted ${original.amountFen} fen`);
    }
    if (line.count > original.count) refuse(`a cut cannot raise the ${line.category} count above the submitted ${original.count}`);
    if (BigInt(line.amountFen) < BigInt(original.amountFen)) lowered = true;
  }
  if (!lowered) refuse('a cut must lower at least one line; use approve to approve as submitted');
  return cut;
}

/** Paying returned payments again is for operators or the city's agency, while failures remain. */
export function validateRepay(status: CityStatus, deciding: boolean, args: RepayReturnedArgs): void {
  requireStage(status, 'payout', deciding);
  const { actor } = args;
  const allowed =
    actor.role === 'operator' || actor.role === 'provincial_agency' || (actor.role === 'city_agency' && actor.cityCode === status.cityCode);
  if (!allowed) refuse(`a ${actor.role} may not pay returned payments again for ${status.cityCode}`);
  if (!status.payout || status.payout.failed === 0) refuse('there are no returned payments to pay again');
}

/** Only an operator decides on a step that failed for good, and only while the city waits for one. */
function requireFailedStep(status: CityStatus, deciding: boolean, actor: Actor): void {
  requireRole(actor, 'operator');
  if (status.waitingFor !== 'operator' || !status.failure)
    refuse(`no step of ${status.cityCode} has failed for good; nothing waits for an operator`);
  if (deciding) refuse('another decision on this city is being recorded; try again in a moment');
}

/** An operator asks the failed step to run again. */
export function validateRetryStep(status: CityStatus, deciding: boolean, args: RetryStepArgs): void {
  requireFailedStep(status, deciding, args.actor);
}

/** An operator closes the city's month at the failed step; the reason goes on the record. */
export function validateCloseCity(status: CityStatus, deciding: boolean, args: CloseCityArgs): void {
  requireFailedStep(status, deciding, args.actor);
  requireReason(args.reason, 'close a city at a failed step');
}

/** The payout day begun early: by the provincial agency or an operator, once, before its time. */
export function validateBeginPayoutDay(status: CycleStatus, payoutDay: string | undefined, args: BeginPayoutDayArgs): void {
  if (args.actor.role !== 'provincial_agency' && args.actor.role !== 'operator') {
    refuse(`only the provincial agency or an operator may begin the payout day (caller is ${args.actor.role})`);
  }
  if (payoutDay === undefined) refuse(`the ${status.month} cycle has no payout day: each city pays once prepared`);
  if (status.payoutDayBegun) refuse(`the payout day of ${status.month} was already begun by ${status.payoutDayBegun.userId}`);
  if (Date.parse(payoutDay) <= Date.now()) refuse(`the payout day of ${status.month} has begun already (${payoutDay})`);
}
