import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { cityWorkflowId, cycleWorkflowId, returnedPaymentsQuery, SearchAttributes, type CityStatus } from '@fund/shared';
import { CODEC_SESSION_COOKIE, issueToken } from '@fund/shared/server';
import { freePort, ROOT } from '@fund/infra';
import { RegisterCipher } from '@fund/disbursement';
import { startCodecServer } from '@fund/workflows';
import { approveEverything, expectBalancedMonth, waitFor, type CycleBody } from './drive';
import { readTestEnvironment, TEST_PAYLOAD_KEY, TEST_SECRET } from './environment';
import { TEST_REGISTER_KEY } from './harness';
import { readmeQuery } from './readme-queries';
import { startTestStack, type TestStack } from './stack';

// The only month this file starts.
const MONTH = '2026-11';
const LANZHOU = '620100';
const RETURNED = 3;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `npm run cli -- ...` against this file's stack (without the launcher's dependency check). */
function cli(stack: TestStack, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'infra/main.ts'), 'cli', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        BUDGET_URL: stack.budget.url,
        DISBURSEMENT_URL: stack.disbursement.url,
        AUTH_JWT_SECRET: TEST_SECRET,
        PAYLOAD_KEY: TEST_PAYLOAD_KEY,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one Prometheus sample whose labels include `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const rendered = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => rendered.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

async function listIds(stack: TestStack, query: string): Promise<{ id: string; stage: string | undefined }[]> {
  const out: { id: string; stage: string | undefined }[] = [];
  for await (const w of stack.client.workflow.list({ query }))
    out.push({ id: w.workflowId, stage: w.typedSearchAttributes.get(SearchAttributes.CycleStage) });
  return out;
}

/** Register rows as the database holds them: the identifiers sealed under the test's register key. */
type SealedRow = { id: string; id_number_sealed: string; bank_account_sealed: string };
const registerCipher = new RegisterCipher(Buffer.from(TEST_REGISTER_KEY, 'base64'));
const openRegister = (rows: SealedRow[]) =>
  rows.map((r) => ({
    id: r.id,
    id_number: registerCipher.open('id_number', r.id_number_sealed),
    bank_account: registerCipher.open('bank_account', r.bank_account_sealed),
  }));

describe('operating a month: progress, returned payments, encrypted payloads, metrics, Web UI', () => {
  const environment = readTestEnvironment();
  let stack: TestStack;
  let codec: Server;
  let metricsPort: number;
  let sdkMetricsPort: number;
  const lanzhou = (view: CycleBody): CityStatus | undefined => view.cities.find((c) => c.cityCode === LANZHOU);

  beforeAll(async () => {
    // The codec server the Web UI of this run points at (global setup's --ui-codec-endpoint).
    ({ server: codec } = await startCodecServer({
      PORT: environment.codecPort,
      HOST: '127.0.0.1',
      AUTH_JWT_SECRET: TEST_SECRET,
      PAYLOAD_KEY: TEST_PAYLOAD_KEY,
      PAYLOAD_PREVIOUS_KEYS: [],
      CODEC_CORS_ORIGINS: [environment.temporalUiUrl ?? 'http://127.0.0.1'],
      LOG_LEVEL: 'silent',
    }));
    metricsPort = await freePort();
    sdkMetricsPort = await freePort();
    stack = await startTestStack({
      beneficiaries: 1_400,
      batchSize: 5,
      dayMs: 6_000,
      disbursementProxy: true,
      workerProcess: true,
      workerEnv: { METRICS_PORT: String(metricsPort), SDK_METRICS_PORT: String(sdkMetricsPort) },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise<void>((resolve) => {
      codec.close(() => resolve());
      codec.closeAllConnections();
    });
  });

  it('runs the month with payout progress visible, repairs returned payments with the CLI, and closes balanced', async () => {
    // Only the payees this test picks have wrong bank details (the demo seed marks a few at random).
    await stack.sql(`update disbursement.beneficiaries set bank_status = 'valid' where bank_status = 'invalid'`);
    // Hold Lanzhou's payout until its run is prepared, to give some payees wrong bank details.
    stack.proxy!.block(new RegExp(`/payouts/${MONTH}/${LANZHOU}/batches`));
    expect((await stack.api('POST', '/cycles', 'provincial_agency', { month: MONTH })).status).toBe(201);
    // While reviewers decide, Lanzhou's payout: three payees get wrong bank details, and its progress shows while it runs.
    const lanzhouPayout = async () => {
      // Until the run is prepared and a first batch was refused (as if the service were down).
      for (let i = 0; stack.proxy!.dropped === 0; i++) {
        if (i > 600) throw new Error('Lanzhou never started its payout');
        await new Promise((r) => setTimeout(r, 200));
      }
      const invalid = openRegister(
        await stack.sql<SealedRow>(
          `update disbursement.beneficiaries set bank_status = 'invalid' where id in (
             select distinct beneficiary_id from disbursement.entitlements
             where payout_month = $1 and city_code = $2 and status = 'pending' order by beneficiary_id limit ${RETURNED})
           returning id::text, id_number_sealed, bank_account_sealed`,
          [MONTH, LANZHOU],
        ),
      );
      // Slow batches: the payout takes seconds, so its progress can be seen while it runs.
      stack.proxy!.slow(new RegExp(`/payouts/${MONTH}/${LANZHOU}/batches`), 800);
      stack.proxy!.unblock();
      const during = await waitFor(
        stack,
        MONTH,
        (v) => {
          const c = lanzhou(v);
          return c?.stage === 'payout' && c.waitingFor === 'disbursement' && c.payout !== null && c.payout.paid > 0 && c.payout.pending > 0;
        },
        60_000,
      );
      stack.proxy!.slow(null);
      return { invalid, progress: lanzhou(during)!.payout! };
    };
    const [, { invalid, progress }] = await Promise.all([approveEverything(stack, MONTH), lanzhouPayout()]);
    expect(invalid).toHaveLength(RETURNED);
    expect(progress.paid).toBeLessThan(progress.total);

    // Returned payments: the city waits for the operator, found with the README's query.
    const waiting = await waitFor(stack, MONTH, (v) => lanzhou(v)?.waitingFor === 'city_agency', 60_000);
    expect(lanzhou(waiting)).toMatchObject({ stage: 'payout', payout: { failed: expect.any(Number) } });
    expect(lanzhou(waiting)!.payout!.failed).toBeGreaterThanOrEqual(RETURNED);
    const returnedQuery = readmeQuery('payments returned by the bank', MONTH);
    let found: { id: string }[] = [];
    for (let i = 0; i < 40 && !found.some((w) => w.id === cityWorkflowId(MONTH, LANZHOU)); i++) {
      found = await listIds(stack, returnedQuery);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(found.map((w) => w.id)).toContain(cityWorkflowId(MONTH, LANZHOU));

    // The operator's list in the workflow (for the Web UI): full ID numbers, decrypted by our client only.
    const list = await stack.client.workflow.getHandle(cityWorkflowId(MONTH, LANZHOU)).query(returnedPaymentsQuery);
    expect(list?.payees.map((p) => p.idNumber).sort()).toEqual(invalid.map((b) => b.id_number).sort());
    expect(list?.payees.map((p) => p.bankAccount).sort()).toEqual(invalid.map((b) => b.bank_account).sort());

    // The recovery path, as the README tells it, through the CLI.
    const failedCli = await cli(stack, 'payments', 'failed', MONTH, LANZHOU, '--json');
    expect(failedCli.stderr).toBe('');
    const failed = JSON.parse(failedCli.stdout) as { beneficiaries: { beneficiaryId: string; bankAccount: string }[] };
    expect(failed.beneficiaries.map((b) => b.beneficiaryId).sort()).toEqual(invalid.map((b) => b.id).sort());
    expect(failedCli.stdout).not.toContain(invalid[0]!.bank_account); // masked
    const table = await cli(stack, 'payments', 'failed', MONTH, LANZHOU);
    expect(table.stdout).toContain(`${RETURNED} beneficiaries with returned payments still unpaid`);
    for (const [i, b] of invalid.entries()) {
      const fixed = await cli(stack, 'beneficiary', 'fix-bank', b.id, `62220202001122334${40 + i}`, 'Bank of Lanzhou', 'Chengguan branch');
      expect(fixed.stderr).toBe('');
      expect(fixed.stdout).toMatch(/valid/);
    }
    const repay = await cli(stack, 'cycle', 'repay', MONTH, LANZHOU, '--json');
    expect(repay.stderr).toBe('');
    expect(JSON.parse(repay.stdout)).toMatchObject({ failed: 0 });

    const closed = await waitFor(stack, MONTH, (v) => v.status === 'closed', 120_000);
    await expectBalancedMonth(stack, closed);
    expect(await stack.client.workflow.getHandle(cityWorkflowId(MONTH, LANZHOU)).query(returnedPaymentsQuery)).toBeNull();
    const paidTwice = await stack.sql(
      `select entitlement_id from disbursement.payments where status = 'paid' group by entitlement_id having count(*) > 1`,
    );
    expect(paidTwice).toEqual([]);

    const status = await cli(stack, 'cycle', 'status', MONTH);
    expect(status.stdout).toMatch(new RegExp(`${LANZHOU}\\s+兰州市\\s+Lanzhou\\s+closed`));
    expect(status.stdout).toContain('reconciliation: balanced');
  }, 170_000);

  it('leaves no personal ID number or bank account in clear in the Temporal server database', async () => {
    const beneficiaries = openRegister(
      await stack.sql<SealedRow>(`select id::text, id_number_sealed, bank_account_sealed from disbursement.beneficiaries`),
    );
    expect(beneficiaries.length).toBeGreaterThan(1_000);
    const files = [environment.temporalDbFile, `${environment.temporalDbFile}-wal`].filter((f) => fs.existsSync(f));
    const text = files.map((f) => fs.readFileSync(f).toString('latin1')).join('\n');
    // The file is readable: the month's workflow ids are there (search attributes and ids are not payloads).
    expect(text).toContain(cityWorkflowId(MONTH, LANZHOU));
    // Every run of 12+ digits in the file, cut into every ID-number and account length it could hold.
    const windows = new Set<string>();
    for (const run of text.match(/[0-9X]{12,}/g) ?? []) {
      for (let len = 12; len <= Math.min(19, run.length); len++) {
        for (let i = 0; i + len <= run.length; i++) windows.add(run.slice(i, i + len));
      }
    }
    const leakedIds = beneficiaries.filter((b) => windows.has(b.id_number));
    const leakedAccounts = beneficiaries.filter((b) => windows.has(b.bank_account));
    expect(leakedIds.length).toBe(0);
    expect(leakedAccounts.length).toBe(0);
    // Payloads are there, encrypted.
    expect(text).toContain('binary/encrypted');
  });

  it('counts payments, activity outcomes, stages and the SDK runtime in Prometheus metrics', async () => {
    const disbursement = await scrape(stack.disbursement.url);
    const [lanzhouPayments] = await stack.sql<{ paid: number; failed: number; repaid: number }>(
      `select count(*) filter (where status = 'paid' and attempt = 1)::int as paid, count(*) filter (where status = 'failed')::int as failed,
         count(*) filter (where status = 'paid' and attempt > 1)::int as repaid
       from disbursement.payments where month = $1 and city_code = $2`,
      [MONTH, LANZHOU],
    );
    expect(lanzhouPayments!.failed).toBeGreaterThanOrEqual(RETURNED);
    expect(sample(disbursement, 'fund_payments_total', { kind: 'payout', outcome: 'paid', city_code: LANZHOU })).toBe(
      lanzhouPayments!.paid,
    );
    expect(sample(disbursement, 'fund_payments_total', { kind: 'payout', outcome: 'failed', city_code: LANZHOU })).toBe(
      lanzhouPayments!.failed,
    );
    expect(sample(disbursement, 'fund_payments_total', { kind: 'repay', outcome: 'paid', city_code: LANZHOU })).toBe(
      lanzhouPayments!.repaid,
    );
    expect(sample(disbursement, 'fund_payments_total', { kind: 'repay', outcome: 'failed', city_code: LANZHOU })).toBe(0);

    let budget = '';
    for (let i = 0; i < 40 && sample(budget, 'fund_cycle_cities', { month: MONTH, stage: 'closed' }) !== 14; i++) {
      budget = await scrape(stack.budget.url);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(sample(budget, 'fund_cycle_cities', { month: MONTH, stage: 'closed' })).toBe(14);

    const worker = await scrape(`http://127.0.0.1:${metricsPort}`);
    expect(sample(worker, 'fund_activity_executions_total', { activity_type: 'payCity', outcome: 'completed' })).toBeGreaterThanOrEqual(14);
    // Lanzhou's payout was held by the outage proxy: its attempts failed with the service's type, then retried.
    expect(
      sample(worker, 'fund_activity_executions_total', { activity_type: 'payCity', outcome: 'failed', error_type: 'SERVICE_UNAVAILABLE' }),
    ).toBeGreaterThan(0);
    expect(sample(worker, 'fund_activity_retry_attempts_total', { activity_type: 'payCity' })).toBeGreaterThan(0);
    expect(
      sample(worker, 'fund_activity_executions_total', { activity_type: 'returnedPayees', outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(1);

    const sdk = await scrape(`http://127.0.0.1:${sdkMetricsPort}`);
    expect(sdk).toMatch(/^temporal_workflow_task_execution_latency/m);
    expect(sdk).toMatch(/^temporal_activity_execution_failed/m);
  });

  it('the Temporal Web UI lists the month with its search attributes, payloads decrypted through the codec server', async () => {
    expect(environment.temporalUiUrl).toBeTruthy();
    const ids = [cycleWorkflowId(MONTH), ...(await listIds(stack, readmeQuery('every workflow of the month', MONTH))).map((w) => w.id)];
    expect(new Set(ids).size).toBe(15);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1400 } });
      // An operator signed in to the codec server, with the UI set to send that cookie along.
      const token = await issueToken(TEST_SECRET, { userId: 'ui-operator', role: 'operator' });
      await context.addCookies([
        { name: CODEC_SESSION_COOKIE, value: token, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' },
      ]);
      await context.addInitScript(
        ({ endpoint }) => {
          localStorage.setItem('endpoint', JSON.stringify(endpoint));
          localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
          localStorage.setItem('includeCredentials', 'true');
          localStorage.setItem('passAccessToken', 'false');
          // The month's search attributes as columns of the workflow list.
          const columns = ['CityCode', 'CycleStage', 'WaitingFor', 'Overdue'].map((label) => ({ label, pinned: false }));
          localStorage.setItem(
            'namespace-workflow-table-columns',
            JSON.stringify({
              default: [
                { label: 'Status', pinned: true },
                { label: 'Workflow ID', pinned: true },
                ...columns,
                { label: 'Type', pinned: false },
              ],
            }),
          );
        },
        { endpoint: `http://127.0.0.1:${environment.codecPort}/codec` },
      );
      const page = await context.newPage();
      const decodes: number[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/codec/decode')) decodes.push(r.status());
      });
      await page.goto(`${environment.temporalUiUrl}/namespaces/default/workflows?query=CycleMonth%3D%27${MONTH}%27`, {
        waitUntil: 'networkidle',
      });
      for (const id of ids) await page.getByText(id, { exact: true }).first().waitFor({ timeout: 30_000 });
      const listed = await page.locator('body').innerText();
      for (const id of ids) expect(listed).toContain(id);
      for (const header of ['CityCode', 'CycleStage', 'WaitingFor', 'Overdue']) expect(listed).toContain(header);
      for (const id of ids.filter((i) => i !== cycleWorkflowId(MONTH))) {
        expect(listed).toMatch(new RegExp(`${id}\\s+${id.slice(-6)}\\s+closed\\s+nobody`));
      }
      fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
      await page.screenshot({ path: path.join(ROOT, '.data', 'ui.png'), fullPage: true });

      // One city's page: its input decrypted through the codec server, then its summary and current details.
      await page.goto(`${environment.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(cityWorkflowId(MONTH, LANZHOU))}`, {
        waitUntil: 'networkidle',
      });
      try {
        await page.getByText('payoutBatchSize').first().waitFor({ timeout: 30_000 });
        await page.getByText('User Metadata').first().click();
        // Summary and current details render as markdown, each in a frame of its own.
        let details = '';
        for (let i = 0; i < 120 && !(details.includes('兰州市') && details.includes(`Lanzhou ${MONTH}`)); i++) {
          details = (await Promise.all(page.frames().map((f) => f.evaluate(() => document.body?.innerText ?? '').catch(() => '')))).join(
            '\n',
          );
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(details).toContain(`Lanzhou ${MONTH}`); // the static summary
        expect(details).toContain(`Lanzhou 兰州市 (${LANZHOU}), ${MONTH}`);
        expect(details).toMatch(/closed, waiting for nobody/);
      } finally {
        await page.screenshot({ path: path.join(ROOT, '.data', 'ui-city.png'), fullPage: true });
      }
      expect(decodes.length).toBeGreaterThan(0);
      expect(decodes.every((s) => s === 200)).toBe(true);
    } finally {
      await browser.close();
    }
    // Without the operator's cookie the codec server decrypts nothing.
    const refused = await fetch(`http://127.0.0.1:${environment.codecPort}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"payloads":[]}',
    });
    expect(refused.status).toBe(401);
  });
});
