import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR, findTemporalCli, freePort, startTemporalServer } from '@fund/infra';
import { bundleWorkflows } from '@fund/workflows';
import { STACK_ENVIRONMENT_VARIABLE, type TestEnvironment } from './environment';
import { log, setUpPostgres, testRun } from './global-setup-postgres';

/** The e2e tier's global setup: one Temporal dev server and the PostgreSQL template for the whole run. */
export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const workDir = path.join(DATA_DIR, 'test-runs', runId);
  await fs.promises.mkdir(workDir, { recursive: true });

  const database = await setUpPostgres();

  const cli = await findTemporalCli(log);
  const temporalPort = await freePort();
  const uiPort = await freePort();
  // The Web UI decodes payloads through a codec server here; the file that tests the UI starts it.
  const codecPort = await freePort();
  const temporal = await startTemporalServer({
    cli,
    port: temporalPort,
    uiPort,
    dbFile: path.join(workDir, 'temporal.db'),
    logFile: path.join(workDir, 'temporal.log'),
    uiCodecEndpoint: `http://127.0.0.1:${codecPort}/codec`,
  });
  testRun().stops.unshift(() => temporal.stop());

  const bundle = await bundleWorkflows();
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  await fs.promises.writeFile(bundlePath, bundle.code);

  const environment: TestEnvironment = {
    ...database,
    workflowBundlePath: bundlePath,
    temporalAddress: temporal.address,
    temporalUiUrl: temporal.uiUrl,
    temporalDbFile: path.join(workDir, 'temporal.db'),
    temporalCli: cli,
    workDir,
    codecPort,
  };
  process.env[STACK_ENVIRONMENT_VARIABLE] = JSON.stringify(environment);
}
