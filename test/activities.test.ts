import { MockActivityEnvironment } from '@temporalio/testing';
import { cityWorkflowId, sumFen } from '@fund/shared';
import { serviceToken } from '@fund/shared/server';
import { bearer, createActivities, serviceClient } from '@fund/workflows';
import { startTestStack, TEST_SECRET, type TestStack } from './stack';

// A month used by this file only.
const MONTH = '2027-07';
const CITY = '620400';

describe('every money-moving activity, run twice with the same input', () => {
  let stack: TestStack;
  let acts: ReturnType<typeof createActivities>;
  let env: MockActivityEnvironment;
  const actor = { userId: 'agency-1', role: 'city_agency' as const, cityCode: CITY };

  beforeAll(async () => {
    stack = await startTestStack({ beneficiaries: 700, batchSize: 5 });
    const auth = bearer(serviceToken(TEST_SECRET, 'test-worker'));
    acts = createActivities({
      collection: serviceClient('collection', stack.collection.url, auth),
      budget: serviceClient('budget', stack.budget.url, auth),
      disbursement: serviceClient('disbursement', stack.disbursement.url, auth),
      notify: async () => undefined,
      log: { info: () => undefined },
    });
    // The activities take their idempotency keys from the workflow they run in.
    env = new MockActivityEnvironment({
      workflowExecution: { workflowId: cityWorkflowId(MONTH, CITY), runId: 'test-run' },
      heartbeatTimeoutMs: 60_000,
    });
  });
  afterAll(() => stack.stop());

  const snapshot = async () => ({
    collection: await stack.sql(`select account, balance_fen from collection.ledger_balances order by account`),
    disbursement: await stack.sql(`select account, balance_fen from disbursement.ledger_balances order by account`),
    commitments: await stack.sql(`select month, city_code from budget.commitments where released_at is null order by 1, 2`),
    payments: await stack.sql(`select count(*)::text as n from disbursement.payments`),
    entitlements: await stack.sql(`select count(*)::text as n from disbursement.entitlements`),
    reservations: await stack.sql(`select month, city_code, amount_fen, status from disbursement.reservations order by 1, 2`),
  });

  const run = <T>(step: () => Promise<T>): Promise<T> => env.run(step) as Promise<T>;

  /** Runs a step twice; the second run must answer the same and change nothing. */
  async function twice<T>(step: () => Promise<T>): Promise<T> {
    const first = await run(step);
    const before = await snapshot();
    await run(step);
    expect(await snapshot()).toEqual(before);
    return first;
  }

  it('changes nothing the second time, from transfer to payout, and the ledgers balance', async () => {
    const transfer = await twice(() => acts.transferCollections({ month: MONTH, cityCode: CITY }));
    expect(BigInt(transfer.amountFen)).toBeGreaterThan(0n);
    await twice(() =>
      acts.receiveTransfer({ month: MONTH, cityCode: CITY, amountFen: transfer.amountFen, transferId: transfer.transferId }),
    );

    const draft = await run(() => acts.fetchDraft({ month: MONTH, cityCode: CITY }));
    const approvedFen = sumFen(draft.lines.map((l) => l.amountFen)).toString();
    await twice(() => acts.recordPlan({ month: MONTH, cityCode: CITY, version: 1, lines: draft.lines, actor }));
    await twice(() => acts.commitBudget({ month: MONTH, cityCode: CITY, version: 1, lines: draft.lines }));
    await twice(() => acts.reservePool({ month: MONTH, cityCode: CITY, version: 1, amountFen: approvedFen }));
    await twice(() => acts.allocate({ month: MONTH, cityCode: CITY, amountFen: approvedFen }));
    const dueDate = new Date(Date.now() + 86_400_000).toISOString();
    await twice(() => acts.preparePayout({ month: MONTH, cityCode: CITY, approvedLines: draft.lines, dueDate }));
    const progress = await twice(() => acts.payCity({ month: MONTH, cityCode: CITY, batchSize: 5 }));
    expect(progress.paid).toBeGreaterThan(0);
    expect(progress.pending).toBe(0);

    const paidTwice = await stack.sql(
      `select entitlement_id from disbursement.payments where status = 'paid' group by entitlement_id having count(*) > 1`,
    );
    expect(paidTwice).toEqual([]);
    const reconciliation = await run(() => acts.reconcileCity({ month: MONTH, cityCode: CITY, approvedFen }));
    expect(reconciliation.checks.filter((c) => !c.ok)).toEqual([]);
    expect(reconciliation.balanced).toBe(true);
  });
});
