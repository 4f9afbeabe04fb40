import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { EncryptionCodec } from '@fund/shared/server';
import { RETURNED_PAYEES_PATCH } from '@fund/workflows';
import { readTestEnvironment, TEST_PAYLOAD_KEY } from './environment';

// A real cityCycle history recorded before RETURNED_PAYEES_PATCH existed: Lanzhou 2026-12, whose
// payout had two payments returned, then bank details corrected, one repay Update, and the close.
const FIXTURE = path.join(__dirname, '../workflows/src/workflows/__fixtures__/city-cycle-returned-payments.json');
const WORKFLOW_ID = 'cycle:2026-12:620100';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this jest worker
}

const history = () => JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { events: { eventType: string }[] };
// The workers and clients encrypt; decoding passes the recorded (unencrypted) payloads through.
const dataConverter = { payloadCodecs: [new EncryptionCodec(Buffer.from(TEST_PAYLOAD_KEY, 'base64'))] };

describe('workflow versioning: a cycle recorded before a change replays on the new code', () => {
  it('the fixture predates the patch: the payout returned payments and no patch marker is in it', () => {
    const events = history().events;
    expect(events.some((e) => e.eventType === 'EVENT_TYPE_MARKER_RECORDED')).toBe(false);
    const updates = events.flatMap((e: any) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? []);
    expect(updates).toEqual(['submitPlan', 'hrssDecision', 'financeDecision', 'repayReturned']);
    const activities = events.flatMap((e: any) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(activities).toEqual(expect.arrayContaining(['payCity', 'repayReturned']));
    expect(activities).not.toContain('returnedPayees');
    expect(events.at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  });

  it('replays on the current workflow bundle, the change guarded by patched()', async () => {
    const bundle = { code: fs.readFileSync(readTestEnvironment().workflowBundlePath, 'utf8') } satisfies WorkflowBundle;
    await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter, replayName: 'patched' }, history(), WORKFLOW_ID)).resolves.toBeUndefined();
  });

  it(`fails to replay with the same change made without patched('${RETURNED_PAYEES_PATCH}')`, async () => {
    const unpatched = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows/src/workflows'),
      webpackConfigHook: (config) => {
        config.resolve = config.resolve ?? {};
        config.resolve.alias = { ...(config.resolve.alias as Record<string, string>), '@temporalio/workflow$': path.join(__dirname, 'replay/unpatched-workflow.ts') };
        return config;
      },
      logger: new DefaultLogger('WARN'),
    });
    const replay = Worker.runReplayHistory({ workflowBundle: unpatched, dataConverter, replayName: 'unpatched' }, history(), WORKFLOW_ID);
    await expect(replay).rejects.toThrow(DeterminismViolationError);
    // Where the old history has the search attribute upsert after the payout, the new code schedules an activity.
    await expect(replay).rejects.toThrow(/Nondeterminism error/);
  }, 120_000);
});
