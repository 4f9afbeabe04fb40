import type { Actor, CityStatus, PlanLine } from '@fund/shared';
import {
  validateCloseCity,
  validateFinanceDecision,
  validateHrssDecision,
  validatePlanSubmission,
  validateRepay,
  validateRetryStep,
} from './workflows/decisions';

// The validators alone: what each refuses and with which words. The HTTP and Temporal paths are in test/reviewers.test.ts.

const CITY = '620100';
const LINES: PlanLine[] = [
  { category: 'long_term', count: 10, amountFen: '500000' },
  { category: 'medical', count: 2, amountFen: '80000' },
];
const agency: Actor = { userId: 'agency-1', role: 'city_agency', cityCode: CITY };
const hrss: Actor = { userId: 'hrss-1', role: 'hrss_reviewer' };
const finance: Actor = { userId: 'finance-1', role: 'finance_reviewer' };
const system: Actor = { userId: 'cycle-worker', role: 'system' };

function status(
  stage: CityStatus['stage'],
  plan: Partial<NonNullable<CityStatus['plan']>> | null = null,
  extra: Partial<CityStatus> = {},
): CityStatus {
  return {
    month: '2027-10',
    cityCode: CITY,
    stage,
    waitingFor: 'nobody',
    overdue: false,
    overdueStages: [],
    deadline: null,
    draft: LINES,
    plan: plan && {
      version: 1,
      status: 'submitted',
      lines: LINES,
      approvedLines: null,
      submittedBy: agency.userId,
      hrssApprovedBy: null,
      returnReason: null,
      ...plan,
    },
    remainingBudgetFen: '10000000',
    transferredFen: '0',
    allocatedFen: null,
    payout: null,
    decisions: [],
    reconciliation: null,
    lastError: null,
    failure: null,
    operatorDecisions: [],
    closure: null,
    ...extra,
  };
}

const refusal = (fn: () => void): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('decision validators', () => {
  it('refuse the system role for every human step', () => {
    expect(refusal(() => validatePlanSubmission(status('plan'), CITY, false, { actor: system, lines: LINES }))).toMatch(
      /only a city_agency/,
    );
    expect(
      refusal(() => validateHrssDecision(status('hrss_review', {}), false, { actor: system, planVersion: 1, decision: 'approve' })),
    ).toMatch(/only a hrss_reviewer may do this \(caller is system\)/);
    const approved = status('finance_review', { status: 'hrss_approved', hrssApprovedBy: hrss.userId });
    expect(refusal(() => validateFinanceDecision(approved, false, { actor: system, planVersion: 1, decision: 'approve' }))).toMatch(
      /only a finance_reviewer/,
    );
    expect(refusal(() => validateRepay(status('payout', {}), false, { actor: system }))).toMatch(/a system may not pay returned payments/);
  });

  it('refuse the wrong role, the wrong stage, an empty reason and the submitter approving, naming the rule', () => {
    const submitted = status('hrss_review', {});
    expect(refusal(() => validateHrssDecision(submitted, false, { actor: finance, planVersion: 1, decision: 'approve' }))).toMatch(
      /only a hrss_reviewer/,
    );
    expect(refusal(() => validateFinanceDecision(submitted, false, { actor: finance, planVersion: 1, decision: 'approve' }))).toMatch(
      /is at stage hrss_review, not finance_review/,
    );
    expect(
      refusal(() => validateHrssDecision(submitted, false, { actor: hrss, planVersion: 1, decision: 'return', reason: '   ' })),
    ).toMatch(/a reason is required to return a plan/);
    const sameUser = { ...hrss, userId: agency.userId };
    expect(refusal(() => validateHrssDecision(submitted, false, { actor: sameUser, planVersion: 1, decision: 'approve' }))).toMatch(
      /separation of duties: the submitter of a plan cannot approve it/,
    );
    expect(refusal(() => validateHrssDecision(submitted, false, { actor: hrss, planVersion: 1, decision: 'approve' }))).toBe('accepted');
  });

  it('refuse a stale, a missing and an already decided plan version', () => {
    const v2 = status('hrss_review', { version: 2 });
    expect(refusal(() => validateHrssDecision(v2, false, { actor: hrss, planVersion: 1, decision: 'approve' }))).toMatch(
      /plan version 1 is stale; the current version is 2/,
    );
    expect(refusal(() => validateHrssDecision(v2, false, { actor: hrss, planVersion: 3, decision: 'approve' }))).toMatch(
      /plan version 3 does not exist/,
    );
    const decided = status(
      'finance_review',
      { status: 'hrss_approved', hrssApprovedBy: hrss.userId },
      {
        decisions: [
          {
            planVersion: 1,
            step: 'hrss_review',
            decision: 'approve',
            userId: hrss.userId,
            role: 'hrss_reviewer',
            reason: null,
            at: '2027-10-03T00:00:00.000Z',
          },
        ],
      },
    );
    expect(
      refusal(() => validateHrssDecision(decided, false, { actor: { ...hrss, userId: 'hrss-2' }, planVersion: 1, decision: 'approve' })),
    ).toMatch(/plan version 1 was already decided at HRSS review \(approve by hrss-1\)/);
  });

  it('refuse finance by the HRSS approver, a cut above the submitted amounts, and a cut without a reason', () => {
    const approved = status('finance_review', { status: 'hrss_approved', hrssApprovedBy: hrss.userId });
    const asHrssApprover = { ...finance, userId: hrss.userId };
    expect(refusal(() => validateFinanceDecision(approved, false, { actor: asHrssApprover, planVersion: 1, decision: 'approve' }))).toMatch(
      /separation of duties: the HRSS approver of a plan cannot also do its finance review/,
    );
    const raised = [
      { ...LINES[0]!, amountFen: '500001' },
      { ...LINES[1]!, amountFen: '1' },
    ];
    expect(
      refusal(() =>
        validateFinanceDecision(approved, false, { actor: finance, planVersion: 1, decision: 'cut', reason: 'too high', lines: raised }),
      ),
    ).toMatch(/a cut cannot raise long_term above the submitted 500000 fen/);
    const lowered = [LINES[0]!, { ...LINES[1]!, amountFen: '60000' }];
    expect(
      refusal(() => validateFinanceDecision(approved, false, { actor: finance, planVersion: 1, decision: 'cut', lines: lowered })),
    ).toMatch(/a reason is required to cut a plan/);
    expect(
      refusal(() =>
        validateFinanceDecision(approved, false, {
          actor: finance,
          planVersion: 1,
          decision: 'cut',
          reason: 'medical over plan',
          lines: lowered,
        }),
      ),
    ).toBe('accepted');
  });
});

describe('operator decisions on a step that failed for good', () => {
  const operator: Actor = { userId: 'op-1', role: 'operator' };
  const failed = (extra: Partial<CityStatus> = {}) =>
    status('allocation', null, {
      waitingFor: 'operator',
      failure: { stage: 'allocation', step: 'allocate', error: 'CONFLICT: refused', at: '2027-10-18T00:00:00.000Z', attempt: 1 },
      ...extra,
    });

  it('lets an operator retry or close (with a reason) while the city waits for one', () => {
    expect(() => validateRetryStep(failed(), false, { actor: operator })).not.toThrow();
    expect(() => validateCloseCity(failed(), false, { actor: operator, reason: 'records from a lost Temporal store' })).not.toThrow();
  });

  it('refuses any other role, a close without a reason, a city that waits for no operator, and a decision in flight', () => {
    expect(refusal(() => validateRetryStep(failed(), false, { actor: finance }))).toMatch(
      /only an operator may do this \(caller is finance_reviewer\)/,
    );
    expect(refusal(() => validateCloseCity(failed(), false, { actor: { userId: 'a', role: 'provincial_agency' }, reason: 'x' }))).toMatch(
      /only an operator/,
    );
    expect(refusal(() => validateCloseCity(failed(), false, { actor: operator, reason: '  ' }))).toMatch(
      /a reason is required to close a city/,
    );
    expect(refusal(() => validateRetryStep(status('allocation'), false, { actor: operator }))).toMatch(/nothing waits for an operator/);
    expect(refusal(() => validateRetryStep(failed(), true, { actor: operator }))).toMatch(
      /another decision on this city is being recorded/,
    );
  });
});
