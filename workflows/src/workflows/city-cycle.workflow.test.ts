import {
  financeDecisionUpdate,
  hrssDecisionUpdate,
  SearchAttributes,
  submitPlanUpdate,
  type CityReconciliation,
  type PlanLine,
} from '@fund/shared';
import { startWorkflowTestEnvironment, type WorkflowTestEnvironment } from '../testing/environment';
import { DRAFT_LINES, progress, stubActivities, TRANSFER_FEN } from '../testing/stub-activities';
import {
  acceptedUpdates,
  agencyOf,
  approvePlan,
  atStage,
  FINANCE,
  financeDecides,
  HRSS,
  hrssDecides,
  refusal,
  startCity,
  statusOf,
  submitPlan,
} from '../testing/drive';

// One city's month through its review steps, on a real dev server with stub activities.

const CITY = '620100';
let env: WorkflowTestEnvironment;

beforeAll(async () => {
  env = await startWorkflowTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

describe('cityCycle review flow', () => {
  it('runs transfer, plan, both approvals, allocation, payout and reconciliation, and closes', async () => {
    const stubs = stubActivities();
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle, input } = await startCity(env.client, taskQueue, { cityCode: CITY });
      const { month, deadlines } = input;
      await approvePlan(handle, CITY);
      const result = (await handle.result()) as CityReconciliation;

      expect(result).toMatchObject({ cityCode: CITY, approvedFen: '580000', balanced: true });
      expect(stubs.names()).toEqual([
        'transferCollections',
        'receiveTransfer',
        'fetchDraft',
        'recordPlan',
        'recordReview',
        'remainingBudget',
        'commitBudget',
        'reservePool',
        'recordReview',
        'allocate',
        'preparePayout',
        'payCity',
        'reconcileCity',
      ]);
      expect(stubs.argsOf('transferCollections')).toEqual([{ month, cityCode: CITY, attempt: 1 }]);
      expect(stubs.argsOf('receiveTransfer')).toEqual([
        { month, cityCode: CITY, attempt: 1, amountFen: TRANSFER_FEN, transferId: `transfer-${month}-${CITY}` },
      ]);
      expect(stubs.argsOf('recordPlan')).toEqual([{ month, cityCode: CITY, version: 1, lines: DRAFT_LINES, actor: agencyOf(CITY) }]);
      expect(stubs.argsOf('recordReview')).toEqual([
        { month, cityCode: CITY, version: 1, step: 'hrss_review', decision: 'approve', reason: null, approvedLines: null, actor: HRSS },
        {
          month,
          cityCode: CITY,
          version: 1,
          step: 'finance_review',
          decision: 'approve',
          reason: null,
          approvedLines: DRAFT_LINES,
          actor: FINANCE,
        },
      ]);
      expect(stubs.argsOf('commitBudget')).toEqual([{ month, cityCode: CITY, version: 1, lines: DRAFT_LINES }]);
      expect(stubs.argsOf('reservePool')).toEqual([{ month, cityCode: CITY, version: 1, amountFen: '580000' }]);
      expect(stubs.argsOf('allocate')).toEqual([{ month, cityCode: CITY, amountFen: '580000' }]);
      expect(stubs.argsOf('preparePayout')).toEqual([{ month, cityCode: CITY, approvedLines: DRAFT_LINES, dueDate: deadlines.payout }]);
      expect(stubs.argsOf('payCity')).toEqual([{ month, cityCode: CITY, batchSize: 100 }]);
      expect(stubs.argsOf('reconcileCity')).toEqual([{ month, cityCode: CITY, approvedFen: '580000' }]);

      const status = await statusOf(handle);
      expect(status).toMatchObject({
        stage: 'closed',
        waitingFor: 'nobody',
        overdue: false,
        overdueStages: [],
        transferredFen: TRANSFER_FEN,
        allocatedFen: '580000',
        payout: progress(12),
        reconciliation: result,
        lastError: null,
        plan: {
          version: 1,
          status: 'approved',
          approvedLines: DRAFT_LINES,
          submittedBy: agencyOf(CITY).userId,
          hrssApprovedBy: HRSS.userId,
        },
      });
      expect(status.decisions.map((d) => [d.planVersion, d.step, d.decision, d.userId])).toEqual([
        [1, 'submission', 'submit', agencyOf(CITY).userId],
        [1, 'hrss_review', 'approve', HRSS.userId],
        [1, 'finance_review', 'approve', FINANCE.userId],
      ]);

      const attributes = (await handle.describe()).typedSearchAttributes;
      expect(attributes.get(SearchAttributes.CycleStage)).toBe('closed');
      expect(attributes.get(SearchAttributes.WaitingFor)).toBe('nobody');
      expect(attributes.get(SearchAttributes.Overdue)).toBe(false);
      expect(attributes.get(SearchAttributes.CycleMonth)).toBe(month);
      expect(attributes.get(SearchAttributes.CityCode)).toBe(CITY);
    });
  });

  it('takes a plan HRSS returned back to the city, and approves the resubmitted version 2', async () => {
    const stubs = stubActivities();
    const resubmitted: PlanLine[] = [DRAFT_LINES[0]!, { ...DRAFT_LINES[1]!, amountFen: '70000' }];
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await submitPlan(handle, CITY);
      const returned = await hrssDecides(handle, 'return', 'medical line lacks invoices');
      expect(returned.plan).toMatchObject({ version: 1, status: 'returned', returnReason: 'medical line lacks invoices' });

      await submitPlan(handle, CITY, resubmitted);
      await hrssDecides(handle, 'approve');
      await financeDecides(handle, 'approve');
      await handle.result();

      const status = await statusOf(handle);
      expect(status.stage).toBe('closed');
      expect(status.plan).toMatchObject({ version: 2, status: 'approved', approvedLines: resubmitted });
      expect(status.decisions.map((d) => [d.planVersion, d.step, d.decision, d.reason])).toEqual([
        [1, 'submission', 'submit', null],
        [1, 'hrss_review', 'return', 'medical line lacks invoices'],
        [2, 'submission', 'submit', null],
        [2, 'hrss_review', 'approve', null],
        [2, 'finance_review', 'approve', null],
      ]);
      expect(stubs.argsOf('recordPlan').map((a) => [a.version, a.lines])).toEqual([
        [1, DRAFT_LINES],
        [2, resubmitted],
      ]);
      expect(stubs.argsOf('commitBudget').map((a) => [a.version, a.lines])).toEqual([[2, resubmitted]]);
      expect(stubs.argsOf('allocate').map((a) => a.amountFen)).toEqual(['570000']);
    });
  });

  it('takes a plan finance returned back to the city, and commits and reserves only the lines of a cut', async () => {
    const stubs = stubActivities();
    const cut: PlanLine[] = [{ ...DRAFT_LINES[0]!, amountFen: '450000' }, DRAFT_LINES[1]!];
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await submitPlan(handle, CITY);
      await hrssDecides(handle, 'approve');
      const returned = await financeDecides(handle, 'return', { reason: 'attach the claims register' });
      expect(returned.plan).toMatchObject({ version: 1, status: 'returned', returnReason: 'attach the claims register' });

      await submitPlan(handle, CITY);
      await hrssDecides(handle, 'approve');
      await financeDecides(handle, 'cut', { reason: 'long-term line above the register', lines: cut });
      await handle.result();

      const status = await statusOf(handle);
      expect(status.plan).toMatchObject({ version: 2, status: 'approved', lines: DRAFT_LINES, approvedLines: cut });
      expect(status.decisions.filter((d) => d.step === 'finance_review').map((d) => [d.planVersion, d.decision, d.reason])).toEqual([
        [1, 'return', 'attach the claims register'],
        [2, 'cut', 'long-term line above the register'],
      ]);
      expect(stubs.argsOf('commitBudget').map((a) => [a.version, a.lines])).toEqual([[2, cut]]);
      expect(stubs.argsOf('reservePool').map((a) => [a.version, a.amountFen])).toEqual([[2, '530000']]);
      expect(
        stubs
          .argsOf('recordReview')
          .filter((a) => a.step === 'finance_review')
          .map((a) => [a.version, a.decision, a.approvedLines]),
      ).toEqual([
        [1, 'return', null],
        [2, 'cut', cut],
      ]);
      expect(stubs.argsOf('allocate').map((a) => a.amountFen)).toEqual(['530000']);
      expect(stubs.argsOf('preparePayout').map((a) => a.approvedLines)).toEqual([cut]);
      expect(status.allocatedFen).toBe('530000');
    });
  });
});

describe('cityCycle decision validators', () => {
  it('refuse the wrong role, a stale version and a reviewer deciding on their own plan, leaving no trace in history', async () => {
    const stubs = stubActivities();
    await env.withWorker(stubs, async (taskQueue) => {
      const { handle } = await startCity(env.client, taskQueue, { cityCode: CITY });
      await atStage(handle, 'plan');
      expect(await refusal(handle.executeUpdate(submitPlanUpdate, { args: [{ actor: HRSS, lines: DRAFT_LINES }] }))).toMatch(
        'only a city_agency may do this (caller is hrss_reviewer)',
      );
      await submitPlan(handle, CITY);

      await atStage(handle, 'hrss_review');
      const submitterAsReviewer = { ...HRSS, userId: agencyOf(CITY).userId };
      expect(
        await refusal(
          handle.executeUpdate(hrssDecisionUpdate, { args: [{ actor: submitterAsReviewer, planVersion: 1, decision: 'approve' }] }),
        ),
      ).toMatch('separation of duties: the submitter of a plan cannot approve it');
      await hrssDecides(handle, 'return', 'counts do not match the register');
      await submitPlan(handle, CITY);

      await atStage(handle, 'hrss_review');
      expect(
        await refusal(handle.executeUpdate(hrssDecisionUpdate, { args: [{ actor: HRSS, planVersion: 1, decision: 'approve' }] })),
      ).toMatch('plan version 1 is stale; the current version is 2');
      await hrssDecides(handle, 'approve');

      await atStage(handle, 'finance_review');
      const approverAsFinance = { ...FINANCE, userId: HRSS.userId };
      expect(
        await refusal(
          handle.executeUpdate(financeDecisionUpdate, { args: [{ actor: approverAsFinance, planVersion: 2, decision: 'approve' }] }),
        ),
      ).toMatch('separation of duties: the HRSS approver of a plan cannot also do its finance review');
      await financeDecides(handle, 'approve');
      await handle.result();

      // Only the five accepted decisions entered history; the refused ones left nothing.
      expect(await acceptedUpdates(handle)).toEqual(['submitPlan', 'hrssDecision', 'submitPlan', 'hrssDecision', 'financeDecision']);
      expect(stubs.argsOf('recordPlan').map((a) => a.actor)).toEqual([agencyOf(CITY), agencyOf(CITY)]);
      expect(stubs.argsOf('recordReview').map((a) => [a.version, a.step, a.actor.userId])).toEqual([
        [1, 'hrss_review', HRSS.userId],
        [2, 'hrss_review', HRSS.userId],
        [2, 'finance_review', FINANCE.userId],
      ]);
    });
  });
});
