import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_NAMES, migrateToLatest } from '@fund/shared/server';
import { migrations as budgetMigrations } from '@fund/budget/migrations';
import { migrations as collectionMigrations } from '@fund/collection/migrations';
import { migrations as disbursementMigrations } from '@fund/disbursement/migrations';
import { DATA_DIR, findTemporalCli, freePort, provisionDatabase, resolvePostgres, startTemporalServer } from '@fund/infra';
import { bundleWorkflows } from '@fund/workflows';
import { TEST_ROLE_PASSWORD, type TestEnvironment } from './environment';

const MIGRATIONS = { collection: collectionMigrations, budget: budgetMigrations, disbursement: disbursementMigrations };

/** Starts one Temporal dev server and one PostgreSQL template database for the whole run. */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const workDir = path.join(DATA_DIR, 'test-runs', runId);
  await fs.promises.mkdir(workDir, { recursive: true });

  const postgres = await resolvePostgres(path.join(DATA_DIR, 'test-postgres'), log);
  const template = `fund_test_tpl_${runId}`;
  const urls = await provisionDatabase(postgres.url, template, TEST_ROLE_PASSWORD);
  for (const service of SERVICE_NAMES) {
    await migrateToLatest(urls[service].ownerUrl, service, MIGRATIONS[service]);
  }

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

  const bundle = await bundleWorkflows();
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  await fs.promises.writeFile(bundlePath, bundle.code);

  const environment: TestEnvironment = {
    workflowBundlePath: bundlePath,
    adminUrl: postgres.url,
    templateDatabase: template,
    temporalAddress: temporal.address,
    temporalUiUrl: temporal.uiUrl,
    temporalDbFile: path.join(workDir, 'temporal.db'),
    temporalCli: cli,
    workDir,
    codecPort,
  };
  process.env.FUND_TEST_ENVIRONMENT = JSON.stringify(environment);
  (globalThis as Record<string, unknown>).__fundTestTeardown = async () => {
    await temporal.stop();
    await postgres.stop();
  };
}
