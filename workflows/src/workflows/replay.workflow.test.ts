import fs from 'node:fs';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflows } from '../worker';
import { bundleWith, FIXTURE, FIXTURE_WORKFLOW_ID, replayHistory } from '../testing/fixture';
import { RETURNED_PAYEES_PATCH } from './city-cycle';

// A city's month recorded as the code ran before RETURNED_PAYEES_PATCH (npm run fixture:record):
// its payout had two payments returned, one repay Update, and the close.

const history = () => JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { events: Record<string, any>[] };

describe('workflow versioning: a cycle recorded before a change replays on the new code', () => {
  it('the fixture predates the patch: the payout returned payments and no patch marker is in it', () => {
    const events = history().events;
    expect(events.some((e) => e.eventType === 'EVENT_TYPE_MARKER_RECORDED')).toBe(false);
    const updates = events.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? []);
    expect(updates).toEqual(['submitPlan', 'hrssDecision', 'financeDecision', 'repayReturned']);
    const activities = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(activities).toEqual(expect.arrayContaining(['payCity', 'repayReturned']));
    expect(activities).not.toContain('returnedPayees');
    expect(events.at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  });

  it('replays on the current workflow bundle, the change guarded by patched()', async () => {
    await expect(replayHistory(await bundleWorkflows(), history(), FIXTURE_WORKFLOW_ID)).resolves.toBeUndefined();
  });

  it(`fails to replay with the same change made without patched('${RETURNED_PAYEES_PATCH}')`, async () => {
    const replay = replayHistory(await bundleWith('unpatched-workflow.ts'), history(), FIXTURE_WORKFLOW_ID);
    await expect(replay).rejects.toThrow(DeterminismViolationError);
    // Where the old history has the search attribute upsert after the payout, the new code schedules an activity.
    await expect(replay).rejects.toThrow(/Nondeterminism error/);
  }, 120_000);
});
