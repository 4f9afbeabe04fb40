/** The arithmetic of what an employer owes: integer fen, basis points and percent, bigint only. */

/**
 * The contribution due for a month:
 *
 *   due = payroll_fen x benchmark_bp x grade_pct / (10,000 x 100), rounded once, half up
 *
 * (the rate in force is the class's benchmark in basis points times the employer's floating grade
 * in percent). Half up on a non-negative numerator: (n + d / 2) / d, truncating.
 */
export function contributionDueFen(payrollFen: bigint, benchmarkBp: number, gradePct: number): bigint {
  const denominator = 10_000n * 100n;
  return (payrollFen * BigInt(benchmarkBp) * BigInt(gradePct) + denominator / 2n) / denominator;
}

/**
 * The due date rule: a month's contribution is declared and paid by the 15th of that month
 * (province time). Paid on the 15th is on time; the late fee runs from the 16th.
 */
export function dueDateOf(month: string): string {
  return `${month}-15`;
}

/** Whole days from `from` to `to` (both 'YYYY-MM-DD'); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A receipt as the late fee sees it. */
export interface Receipt {
  amountFen: bigint;
  paidOn: string;
}

/** How one due stands on a day. */
export interface DueStanding {
  receivedFen: bigint;
  /** Unpaid after the due date has passed (0 before it). */
  arrearsFen: bigint;
  lateFeeFen: bigint;
  status: 'paid' | 'part_paid' | 'in_arrears' | 'not_yet_due';
}

/** Late payment: 0.05% of the unpaid amount per day (Regulations on Work-Related Injury Insurance, Art. 62). */
const LATE_FEE_PER_DAY_NUMERATOR = 5n;
const LATE_FEE_PER_DAY_DENOMINATOR = 10_000n;

/**
 * Matches a due with its receipts up to `asOf` (receipts paid later are not yet in).
 *
 * Receipts pay the due in the order they were paid. Each fen of the due accrues 0.05% a day for
 * every day it was unpaid after the due date: a fen paid on day P was late P - dueDate days (paid
 * on the due date: 0); a fen still unpaid on `asOf` has been late asOf - dueDate days. So
 *
 *   late fee = (sum over the due's fen of days late) x 5 / 10,000, rounded once, half up.
 *
 * A receipt beyond the due pays no late fee and is counted as received all the same.
 */
export function standing(dueFen: bigint, dueDate: string, receipts: readonly Receipt[], asOf: string): DueStanding {
  const inByAsOf = receipts.filter((r) => r.paidOn <= asOf).sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0));
  let unpaid = dueFen;
  let fenDaysLate = 0n;
  let receivedFen = 0n;
  for (const receipt of inByAsOf) {
    receivedFen += receipt.amountFen;
    const applied = receipt.amountFen < unpaid ? receipt.amountFen : unpaid;
    if (applied <= 0n) continue;
    unpaid -= applied;
    fenDaysLate += applied * BigInt(Math.max(0, daysBetween(dueDate, receipt.paidOn)));
  }
  const overdueDays = Math.max(0, daysBetween(dueDate, asOf));
  fenDaysLate += unpaid * BigInt(overdueDays);
  const lateFeeFen = (fenDaysLate * LATE_FEE_PER_DAY_NUMERATOR + LATE_FEE_PER_DAY_DENOMINATOR / 2n) / LATE_FEE_PER_DAY_DENOMINATOR;
  const arrearsFen = overdueDays > 0 ? unpaid : 0n;
  const status = unpaid === 0n ? 'paid' : overdueDays === 0 ? 'not_yet_due' : receivedFen > 0n ? 'part_paid' : 'in_arrears';
  return { receivedFen, arrearsFen, lateFeeFen, status };
}
