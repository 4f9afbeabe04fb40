import path from 'node:path';
import fs from 'node:fs';
import fc from 'fast-check';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_JSON_MAX_DEPTH, type RunningService } from '@fund/shared/server';
import { budgetService, loadBudgetConfig } from '@fund/budget';
import { collectionService, loadCollectionConfig } from '@fund/collection';
import { disbursementService, loadDisbursementConfig } from '@fund/disbursement';
import { refusedAndUnchanged, routeTable, startWithApp, tableSnapshots, tokenBook, type HostileStats } from '@fund/test/hostile';
import { DATA_DIR } from '../paths';
import { dropDatabase, provisionDatabase, resolvePostgres } from '../postgres';
import { rolePassword } from '../stack';
import { findTemporalCli, freePort, startTemporalServer, type TemporalServer } from '../temporal';

/** The database the campaign recreates on every run. */
const DATABASE = 'fund_hostile';
const HANG_MS = 30_000;
const SECRET = 'hostile-campaign-signing-secret-of-at-least-32-characters';

function parseArgs(args: string[]): { runs: number; seed: number } {
  let runs = 10_000;
  let seed = Date.now() % 2_147_483_647;
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (args[i] === '--runs' && Number.isInteger(value) && value >= 1) runs = value;
    else if (args[i] === '--seed' && Number.isInteger(value)) seed = value;
    else throw new Error(`usage: npm run fuzz:http -- [--runs N] [--seed S] (bad: ${args[i]} ${args[i + 1] ?? ''})`);
  }
  return { runs, seed };
}

/**
 * `npm run fuzz:http -- --runs 10000 --seed S`: hostile requests generated from the three services'
 * route tables and schemas against the services on a fresh database `fund_hostile` (loopback
 * PostgreSQL only) and a headless Temporal dev server of its own. Prints one JSON line: requests,
 * answers by status, 5xx, hangs, changed tables, the seed, and on a failure the shrunk request.
 */
export async function runHostile(args: string[]): Promise<number> {
  const { runs, seed } = parseArgs(args);
  const log = (line: string) => process.stderr.write(`[fuzz] ${line}\n`);
  const workDir = path.join(DATA_DIR, 'fuzz');
  await fs.promises.mkdir(workDir, { recursive: true });
  const postgres = await resolvePostgres(DATA_DIR, log);
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(postgres.url).hostname))
    throw new Error('the campaign runs against a PostgreSQL on this machine only');
  let temporal: TemporalServer | null = null;
  const services: Pick<RunningService<unknown>, 'stop'>[] = [];
  let snapshots: Awaited<ReturnType<typeof tableSnapshots>> | null = null;
  try {
    await dropDatabase(postgres.url, DATABASE);
    const urls = await provisionDatabase(postgres.url, DATABASE, rolePassword());
    temporal = await startTemporalServer({
      cli: await findTemporalCli(log),
      port: await freePort(),
      uiPort: null,
      dbFile: null,
      logFile: path.join(workDir, 'temporal.log'),
    });
    const env = (service: 'collection' | 'budget' | 'disbursement', extra: Record<string, string> = {}) => ({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: urls[service].appUrl,
      DATABASE_MIGRATION_URL: urls[service].ownerUrl,
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'true',
      DEMO_BENEFICIARIES: '14',
      AUTH_JWT_SECRET: SECRET,
      PAYLOAD_KEY: Buffer.alloc(32, 7).toString('base64'),
      // A handful of tokens send every request: the rate limit is tested on its own.
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      ...extra,
    });
    const collection = await startWithApp(collectionService(loadCollectionConfig(env('collection'))));
    const disbursement = await startWithApp(disbursementService(loadDisbursementConfig(env('disbursement'))));
    const budget = await startWithApp(
      budgetService(
        loadBudgetConfig(
          env('budget', { TEMPORAL_ADDRESS: temporal.address, TASK_QUEUE: 'fund-hostile', CYCLE_CLOCK: 'compressed:60000' }),
        ),
      ),
    );
    services.push(collection.running, disbursement.running, budget.running);
    const admin = new URL(postgres.url);
    admin.pathname = `/${DATABASE}`;
    snapshots = await tableSnapshots(admin.toString());
    const context = {
      routes: [
        ...routeTable('collection', collection.app),
        ...routeTable('disbursement', disbursement.app),
        ...routeTable('budget', budget.app),
      ],
      urls: { collection: collection.running.url, disbursement: disbursement.running.url, budget: budget.running.url },
      tokens: await tokenBook(SECRET),
      snapshot: snapshots.take,
      before: await snapshots.take(),
      hangMs: HANG_MS,
      limits: { bodyBytes: DEFAULT_BODY_LIMIT_BYTES, depth: DEFAULT_JSON_MAX_DEPTH },
    };
    log(`${context.routes.length} routes; ${runs} requests, seed ${seed}`);
    const stats: HostileStats = { requests: 0, byStatus: {}, fiveHundreds: 0, hangs: 0, changedTables: [] };
    const started = Date.now();
    const result = await fc.check(refusedAndUnchanged(context, stats), { seed, numRuns: runs });
    const line = {
      requests: stats.requests,
      byStatus: stats.byStatus,
      fiveHundreds: stats.fiveHundreds,
      hangs: stats.hangs,
      changedTables: stats.changedTables,
      seed,
      runs,
      seconds: Math.round((Date.now() - started) / 1000),
      ...(result.failed
        ? {
            failure: String(result.errorInstance ?? ''),
            shrunk: result.counterexample ? fc.stringify(result.counterexample[0]) : null,
            path: result.counterexamplePath,
          }
        : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return result.failed ? 1 : 0;
  } finally {
    await snapshots?.close();
    await Promise.all(services.map((s) => s.stop()));
    await temporal?.stop();
    await postgres.stop();
  }
}
