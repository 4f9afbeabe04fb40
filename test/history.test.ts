import { cityWorkflowId } from '@fund/shared';
import { approveEverything, expectBalancedMonth, waitFor } from './drive';
import { startTestStack } from './stack';

// Months used by this file only.
const SMALL_MONTH = '2027-08';
const LARGE_MONTH = '2027-09';
const LANZHOU = '620100';

/**
 * Runs a whole month on a register of `beneficiaries` and returns Lanzhou's history length and
 * payment count. Both sizes take the same path: every bank account valid (no returned payments to
 * wait for) and days long enough that no deadline, overdue notice or early warning fires.
 */
async function lanzhouHistory(month: string, beneficiaries: number): Promise<{ events: number; payments: number }> {
  const stack = await startTestStack({ beneficiaries, batchSize: 5, dayMs: 10_000 });
  try {
    await stack.sql(`update disbursement.beneficiaries set bank_status = 'valid'`);
    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month })).status).toBe(201);
    await approveEverything(stack, month);
    const view = await waitFor(stack, month, (v) => v.status === 'closed', 150_000);
    await expectBalancedMonth(stack, view);
    const history = await stack.client.workflow.getHandle(cityWorkflowId(month, LANZHOU)).fetchHistory();
    const [payments] = await stack.sql<{ n: string }>(
      `select count(*)::text as n from disbursement.payments where month = $1 and city_code = $2`,
      [month, LANZHOU],
    );
    return { events: history.events!.length, payments: Number(payments!.n) };
  } finally {
    await stack.stop();
  }
}

describe('history of a city workflow', () => {
  it('stays the same order of size at N and 10N beneficiaries', async () => {
    const small = await lanzhouHistory(SMALL_MONTH, 280);
    const large = await lanzhouHistory(LARGE_MONTH, 2_800);
    expect(large.payments).toBeGreaterThanOrEqual(small.payments * 8);
    // Batches run inside one heartbeating activity: ten times the payments, not ten times the events.
    expect(large.events).toBeLessThanOrEqual(small.events + 10);
    expect(large.events).toBeLessThan(small.events * 1.5);
  }, 400_000);
});
