import { spawn } from 'node:child_process';
import path from 'node:path';
import { cycleWorkflowId } from '@fund/shared';
import { ROOT } from '@fund/infra';
import { expectBalancedMonth, type CycleBody } from './drive';
import { TEST_PAYLOAD_KEY, TEST_SECRET } from './environment';
import { startTestStack, type TestStack } from './stack';

// The only month this file starts.
const MONTH = '2026-08';

/** `npm run cli -- ...` against this file's stack. */
function cli(stack: TestStack, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'infra/bootstrap.js'), 'cli', ...args], {
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

describe('the CLI demo: start a month and play every agency and reviewer until it closes', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ beneficiaries: 140, dayMs: 2_000 });
  });
  afterAll(() => stack?.stop());

  it('closes the month balanced, with progress lines on stderr and one JSON document on stdout', async () => {
    const started = await cli(stack, 'cycle', 'start', MONTH, '--json');
    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(started.stdout)).toMatchObject({
      created: true,
      workflowId: cycleWorkflowId(MONTH),
      month: MONTH,
      status: 'running',
    });
    const again = await cli(stack, 'cycle', 'start', MONTH);
    expect(again).toMatchObject({ code: 0, stdout: `already running or done: ${cycleWorkflowId(MONTH)}\n`, stderr: '' });

    // Bounded, so a month that does not close fails here with the demo's steps in the diff.
    const demo = await cli(stack, 'cycle', 'review-demo', MONTH, '--json', '--wait-ms', '180000');
    expect({ code: demo.code, stderr: demo.stderr }).toMatchObject({ code: 0 });
    const view = JSON.parse(demo.stdout) as CycleBody;
    await expectBalancedMonth(stack, view);
    const codes = view.cities.map((c) => c.cityCode);
    expect(codes).toContain('620100');
    expect(view.cities.map((c) => c.stage)).toEqual(codes.map(() => 'closed'));

    // Every plan submitted and approved twice over, each step on stderr.
    const steps = demo.stderr.split('\n');
    for (const code of codes) {
      for (const stage of ['plan', 'hrss_review', 'finance_review']) expect(steps).toContain(`${code} ${stage}: done`);
    }
    // A line each time the month's state changed, never the same line twice in a row.
    const progress = steps.filter((l) => l.startsWith('waiting: '));
    expect(progress[0]).toMatch(new RegExp(`^waiting: 0 of ${codes.length} cities closed; at `));
    expect(progress.every((line, i) => line !== progress[i - 1])).toBe(true);

    const table = await cli(stack, 'cycle', 'status', MONTH);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/^620100\s+兰州市\s+Lanzhou\s+closed\s+nobody/m);
    expect(table.stdout).toContain('reconciliation: balanced');
  }, 240_000);
});
