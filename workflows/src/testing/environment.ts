import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { SearchAttributes } from '@fund/shared';
import { bundleWorkflows } from '../worker';
import type { StubActivities } from './stub-activities';

/** The Temporal CLI to run the dev server with: the workflow tier's (FUND_TEMPORAL_CLI), or TEMPORAL_CLI by hand. */
function temporalCli(): string {
  const path = process.env.FUND_TEMPORAL_CLI ?? process.env.TEMPORAL_CLI;
  if (!path) throw new Error('workflow tests need the Temporal CLI: set FUND_TEMPORAL_CLI or TEMPORAL_CLI to its path');
  return path;
}

/** One test file's Temporal dev server and workflow bundle; each test runs its own worker on its own task queue. */
export interface WorkflowTestEnvironment {
  client: Client;
  /** Runs `test` while a worker with these stub activities polls a task queue of its own, then shuts the worker down. */
  withWorker<T>(stubs: StubActivities, test: (taskQueue: string) => Promise<T>): Promise<T>;
  teardown(): Promise<void>;
}

let queues = 0;

/**
 * Starts a dev server with the project's search attributes registered (as `npm start` registers
 * them) and bundles the workflows once for the file. Payloads use the default converter: the
 * encryption codec is the real worker's concern, not the branches under test.
 */
export async function startWorkflowTestEnvironment(): Promise<WorkflowTestEnvironment> {
  // Failed attempts are what many tests make happen; their outcome is asserted, not logged.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCli() },
        searchAttributes: Object.values(SearchAttributes),
      },
    }),
    bundleWorkflows(),
  ]);
  return {
    client: env.client,
    withWorker: (stubs, test) => runWithWorker(env, bundle, stubs, test),
    teardown: () => env.teardown(),
  };
}

async function runWithWorker<T>(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundle,
  stubs: StubActivities,
  test: (taskQueue: string) => Promise<T>,
): Promise<T> {
  queues += 1;
  const taskQueue = `workflow-test-${queues}-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: stubs.activities,
  });
  return worker.runUntil(async () => {
    try {
      return await test(taskQueue);
    } finally {
      // A held activity would keep the worker from shutting down.
      stubs.releaseAll();
    }
  });
}
