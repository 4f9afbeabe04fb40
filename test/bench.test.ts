import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '@fund/infra';
import { readTestEnvironment, TEST_ROLE_PASSWORD } from './environment';

/**
 * Runs `npm run bench:payout -- <args>` as a user would, against the test run's PostgreSQL: with the
 * role password the test databases were provisioned with, in a database of its own.
 */
function bench(args: string[], databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'infra/bootstrap.js'), 'bench', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl, FUND_DB_ROLE_PASSWORD: TEST_ROLE_PASSWORD, BENCH_DATABASE: 'fund_bench_test' },
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run bench:payout', () => {
  it('runs a real payout over a small register, every city on the payout day, and ends with its figures as one JSON line', async () => {
    // 1.5 s days: the payout day (19) begins 27 s after the start, when every city is prepared.
    const run = await bench(['--beneficiaries', '300', '--day-ms', '1500'], readTestEnvironment().adminUrl);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = run.stdout.trim().split('\n');
    const figures = JSON.parse(lines.at(-1)!) as Record<string, number>;
    expect(Object.keys(figures)).toEqual([
      'beneficiaries',
      'payout_s',
      'payouts_per_s',
      'copy_rows_per_s',
      'ratio_to_copy',
      'history_events_per_city',
    ]);
    expect(figures.beneficiaries).toBe(300);

    // The figures agree with what the run says it paid.
    const paid = /payout: (\d+) payments of (\d+) entitlements/.exec(run.stderr);
    expect(paid).not.toBeNull();
    const payments = Number(paid![1]);
    expect(payments).toBeGreaterThan(0);
    // Every city paid after the payout day began (the bench refuses to time a city prepared later),
    // all of them by the province's payout task.
    expect(run.stderr).toMatch(/the province's payout task took [\d.]+ s/);
    expect(run.stderr).not.toContain('paid by themselves');
    const starts = [...run.stderr.matchAll(/(\d{6}) allocate \S+ preparePayout (-[\d.]+)\.\.(-[\d.]+) payout ([\d.]+)\.\./g)];
    expect(starts).toHaveLength(14);
    for (const [, , , preparedBy, payFrom] of starts) {
      expect(Number(preparedBy)).toBeLessThanOrEqual(0);
      expect(Number(payFrom)).toBeGreaterThanOrEqual(0);
    }
    expect(figures.payout_s).toBeGreaterThan(0);
    expect(figures.payouts_per_s).toBeCloseTo(payments / figures.payout_s!, -1);
    // The baseline is the median of five COPYs of as many rows as the payout paid.
    const copy = /COPY FROM STDIN of (\d+) payment rows, (\d+) times: ([\d, ]+) rows\/s; median (\d+)/.exec(run.stderr);
    expect(copy).not.toBeNull();
    const rates = copy![3]!
      .split(', ')
      .map(Number)
      .sort((a, b) => a - b);
    expect({ rows: Number(copy![1]), times: Number(copy![2]), measured: rates.length }).toEqual({ rows: payments, times: 5, measured: 5 });
    expect(rates[0]).toBeGreaterThan(0);
    expect(figures.copy_rows_per_s).toBe(rates[2]);
    expect(Number(copy![4])).toBe(rates[2]);
    expect(figures.ratio_to_copy).toBeCloseTo(figures.payouts_per_s! / figures.copy_rows_per_s!, 2);
    // One city's whole month, payout included, in a bounded history.
    expect(figures.history_events_per_city).toBeGreaterThan(50);
    expect(figures.history_events_per_city).toBeLessThan(400);
  }, 200_000);

  it('refuses a PostgreSQL that is not on this machine, before connecting to it', async () => {
    const run = await bench(['--beneficiaries', '300'], 'postgres://postgres@192.0.2.1:5432/postgres');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('the benchmark runs only against PostgreSQL on loopback; DATABASE_URL points at 192.0.2.1');
    expect(run.stdout).toBe('');
  }, 60_000);

  it('names the flags when one is wrong', async () => {
    const run = await bench(['--beneficiaries', 'many'], readTestEnvironment().adminUrl);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      'usage: npm run bench:payout -- [--beneficiaries 14..2000000] [--batch-size 1..20000] [--day-ms 100..600000]',
    );
  }, 60_000);
});
