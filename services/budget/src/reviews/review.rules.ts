import { ErrorCode, type PlanLine, type RecordReviewRequest } from '@fund/shared';
import { HttpError } from '@fund/shared/server';
import type { RecordedDecision } from '../plans/plan.status';

/** 422 INVALID_DECISION: the decision breaks a review rule and retrying it cannot help. */
export const invalidDecision = (message: string, details?: unknown): HttpError =>
  new HttpError(422, ErrorCode.InvalidDecision, message, details);

const REVIEWER_ROLE = { hrss_review: 'hrss_reviewer', finance_review: 'finance_reviewer' } as const;

/** What the rules need to know about the plan version under review. */
export interface VersionUnderReview {
  version: number;
  latestVersion: number;
  submittedBy: string;
  lines: PlanLine[];
  decisions: RecordedDecision[];
}

/**
 * Checks a review decision against the version's record and answers the lines it approves
 * (null for a return). HRSS reviews a fresh submission; finance reviews what HRSS approved;
 * nobody reviews their own submission, and the HRSS approver is not also the finance reviewer.
 * Approved lines may not exceed, per category, the lines under review.
 */
export function checkDecision(input: RecordReviewRequest, target: VersionUnderReview): PlanLine[] | null {
  const where = `version ${target.version} of ${input.cityCode}'s plan for ${input.month}`;
  if (target.version < target.latestVersion) {
    throw invalidDecision(`${where} was superseded by version ${target.latestVersion}`);
  }
  const last = target.decisions.at(-1);
  if (input.step === 'hrss_review' && last) {
    throw invalidDecision(`${where} already has a ${last.step} decision (${last.decision})`);
  }
  if (input.step === 'finance_review') {
    if (!last) throw invalidDecision(`${where} has not been approved by HRSS yet`);
    if (last.step !== 'hrss_review' || last.decision === 'return') {
      throw invalidDecision(`${where} is not awaiting a finance review (last decision: ${last.step} ${last.decision})`);
    }
  }
  if (input.actor.role !== REVIEWER_ROLE[input.step]) {
    throw invalidDecision(`body.actor.role: a ${input.step} needs the ${REVIEWER_ROLE[input.step]} role, not ${input.actor.role}`);
  }
  if (input.actor.userId === target.submittedBy) {
    throw invalidDecision(`body.actor.userId: ${input.actor.userId} submitted ${where} and cannot review it`);
  }
  if (input.step === 'finance_review' && last && input.actor.userId === last.userId) {
    throw invalidDecision(`body.actor.userId: ${input.actor.userId} approved ${where} for HRSS and cannot also review it for finance`);
  }

  const needsReason = input.decision === 'return' || input.decision === 'cut';
  if (needsReason && !input.reason?.trim()) {
    throw invalidDecision(`body.reason: a ${input.decision} decision needs a reason`);
  }
  if (input.decision === 'return') {
    if (input.approvedLines) throw invalidDecision('body.approvedLines: a return approves nothing; send null');
    return null;
  }
  // Finance reviews what HRSS let through; HRSS reviews the submission.
  const underReview = input.step === 'finance_review' && last?.approvedLines ? last.approvedLines : target.lines;
  if (!input.approvedLines) {
    if (input.decision === 'cut') throw invalidDecision('body.approvedLines: a cut must say which lines it approves');
    return underReview;
  }
  input.approvedLines.forEach((line, i) => {
    const limit = underReview.find((l) => l.category === line.category);
    const allowedFen = BigInt(limit?.amountFen ?? '0');
    const allowedCount = limit?.count ?? 0;
    if (BigInt(line.amountFen) > allowedFen || line.count > allowedCount) {
      throw invalidDecision(
        `body.approvedLines.${i}: approves ${line.amountFen} fen for ${line.count} in ${line.category}, more than the ${allowedFen} fen for ${allowedCount} under review`,
        {
          category: line.category,
          approvedFen: line.amountFen,
          allowedFen: allowedFen.toString(),
          approvedCount: line.count,
          allowedCount,
        },
      );
    }
  });
  return input.approvedLines;
}
