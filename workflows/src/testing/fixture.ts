import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import { cityWorkflowId, repayReturnedUpdate, SearchAttributes, WorkflowNames, type CityCycleInput } from '@fund/shared';
import { approvePlan, deadlinesIn, OPERATOR, testSettings, waitForStatus } from './drive';
import { progress, stubActivities } from './stub-activities';

/** The replay fixture: a city's month whose payout had two payments returned, one repay, and the close. */
export const FIXTURE = path.join(__dirname, '../workflows/__fixtures__/city-cycle-returned-payments.json');
/** The recorded workflow's id (a fixed month, so the replay names the same run). */
export const FIXTURE_WORKFLOW_ID = cityWorkflowId('2026-12', '620100');

/** The workflows bundled with `@temporalio/workflow` swapped for `replacement` (a file in this folder). */
export function bundleWith(replacement: 'before-patch-workflow.ts' | 'unpatched-workflow.ts'): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    webpackConfigHook: (config) => {
      config.resolve = config.resolve ?? {};
      config.resolve.alias = {
        ...(config.resolve.alias as Record<string, string>),
        '@temporalio/workflow$': path.join(__dirname, replacement),
      };
      return config;
    },
    logger: new DefaultLogger('WARN'),
  });
}

/**
 * Records the fixture on the workflows as they are, but with every `patched()` answering false:
 * the history a cycle running before the patch would have. Run it (`npm run fixture:record`)
 * before a further change to a running workflow, and commit the file.
 */
export async function recordFixture(temporalCli: string): Promise<string> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCli }, searchAttributes: Object.values(SearchAttributes) },
  });
  try {
    const stubs = stubActivities();
    stubs.answer('payCity', progress(48, 2));
    stubs.answer('payoutProgress', progress(50, 0));
    const taskQueue = 'fixture-recording';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWith('before-patch-workflow.ts'),
      activities: stubs.activities,
    });
    const input: CityCycleInput = {
      schemaVersion: 1,
      month: '2026-12',
      cityCode: '620100',
      deadlines: deadlinesIn(),
      settings: testSettings(),
    };
    const history = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(WorkflowNames.cityCycle, {
        taskQueue,
        workflowId: FIXTURE_WORKFLOW_ID,
        args: [input],
      });
      await approvePlan(handle, input.cityCode);
      await waitForStatus(handle, 'the returned payments', (s) => s.stage === 'payout' && s.waitingFor === 'city_agency');
      await handle.executeUpdate(repayReturnedUpdate, { args: [{ actor: OPERATOR }] });
      await handle.result();
      return handle.fetchHistory();
    });
    await fs.promises.writeFile(FIXTURE, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
    return FIXTURE;
  } finally {
    await env.teardown();
  }
}

/** Replays a recorded history on `bundle`; rejects with the nondeterminism the replay found. */
export function replayHistory(bundle: WorkflowBundle, recorded: unknown, workflowId: string): Promise<void> {
  return Worker.runReplayHistory({ workflowBundle: bundle, replayName: workflowId }, recorded, workflowId);
}
