/** The dedicated database the benchmark recreates on every run (BENCH_DATABASE, else fund_bench). */
export const DATABASE = process.env.BENCH_DATABASE ?? 'fund_bench';
/** The cycle worker's task queue in the benchmark's own Temporal server. */
export const TASK_QUEUE = 'fund-bench';
/** Entitlements per payout batch unless --batch-size says otherwise (the largest the API accepts). */
const DEFAULT_BATCH_SIZE = 20_000;
/**
 * The province's payout day: the day after the allocation deadline, when every city has been
 * approved, allocated and prepared. Every city then pays at once, as on a real payout day.
 */
export const PAYOUT_DAY = 19;

/** What a benchmark run is asked for. */
export interface BenchOptions {
  beneficiaries: number;
  batchSize: number;
  /** Milliseconds per day of the compressed month. */
  dayMs: number;
}

/**
 * Long enough days that every city is prepared before the payout day and no deadline, overdue
 * notice or early warning fires (each would add history): 30 ms per thousand beneficiaries, at
 * least 3 s, so preparation grows with the register and ends before the payout day.
 */
const defaultDayMs = (beneficiaries: number) => Math.max(3_000, Math.round(beneficiaries * 0.03));

/** The command line's options, each checked against its range. */
export function parseArgs(args: string[]): BenchOptions {
  let beneficiaries = 100_000;
  let batchSize = DEFAULT_BATCH_SIZE;
  let dayMs: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = Number(args[i + 1]);
    if (flag === '--beneficiaries' && Number.isInteger(value) && value >= 14 && value <= 2_000_000) beneficiaries = value;
    else if (flag === '--batch-size' && Number.isInteger(value) && value >= 1 && value <= 20_000) batchSize = value;
    else if (flag === '--day-ms' && Number.isInteger(value) && value >= 100 && value <= 600_000) dayMs = value;
    else {
      throw new Error(
        `usage: npm run bench:payout -- [--beneficiaries 14..2000000] [--batch-size 1..20000] [--day-ms 100..600000] (bad: ${flag} ${args[i + 1] ?? ''})`,
      );
    }
    i += 1;
  }
  return { beneficiaries, batchSize, dayMs: dayMs ?? defaultDayMs(beneficiaries) };
}

/** Refuses any PostgreSQL that is not on this machine: the benchmark drops and recreates a database. */
export function requireLoopback(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(`the benchmark runs only against PostgreSQL on loopback; DATABASE_URL points at ${host}`);
  }
}
