/** Stages that carry a deadline, in the order the month runs them. */
export const DEADLINE_STAGES = ['transfer', 'plan', 'hrss_review', 'finance_review', 'allocation', 'payout'] as const;
export type DeadlineStage = (typeof DEADLINE_STAGES)[number];

/** Absolute deadlines of one month, ISO-8601 UTC instants. */
export type Deadlines = Record<DeadlineStage, string>;

/** Day of the month each stage must be done by (docs/domain.md). */
export const DEFAULT_DEADLINE_DAYS: Readonly<Record<DeadlineStage, number>> = Object.freeze({
  transfer: 5,
  plan: 5,
  hrss_review: 10,
  finance_review: 15,
  allocation: 18,
  payout: 25,
});

/**
 * How a month's days map onto real time. `calendar` is production: the deadline is the end
 * of that day of the month in the province (UTC+8). `compressed` is for demos and tests:
 * day D ends D * dayMs after the cycle starts.
 */
export type CycleClock = { kind: 'calendar' } | { kind: 'compressed'; dayMs: number };

/** Parses 'calendar' or 'compressed:<ms per day>'. */
export function parseCycleClock(text: string): CycleClock {
  if (text === 'calendar') return { kind: 'calendar' };
  const match = /^compressed:(\d+)$/.exec(text);
  if (match && Number(match[1]) > 0) return { kind: 'compressed', dayMs: Number(match[1]) };
  throw new Error(`cycle clock "${text}" must be "calendar" or "compressed:<milliseconds per day>"`);
}

/** Computes a month's deadlines. Pure, so the workflow may call it too. */
export function computeDeadlines(
  month: string,
  startedAt: Date,
  clock: CycleClock,
  days: Readonly<Record<DeadlineStage, number>> = DEFAULT_DEADLINE_DAYS,
): Deadlines {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const out = {} as Deadlines;
  for (const stage of DEADLINE_STAGES) {
    const day = days[stage];
    const at =
      clock.kind === 'calendar' ? Date.UTC(year, monthNumber - 1, day + 1) - 8 * 3600_000 : startedAt.getTime() + day * clock.dayMs;
    out[stage] = new Date(at).toISOString();
  }
  return out;
}

/** Days before the payout deadline that a city whose payout is not complete raises its early warning. */
export const DEFAULT_PAYOUT_WARNING_LEAD_DAYS = 3;

/** The early-warning lead in milliseconds of the given clock: `days` days of the month (calendar or compressed). */
export function payoutWarningLeadMs(clock: CycleClock, days: number = DEFAULT_PAYOUT_WARNING_LEAD_DAYS): number {
  return Math.round(days * (clock.kind === 'calendar' ? 86_400_000 : clock.dayMs));
}

/** The shortest wait for the province's payout: a compressed clock's half day can be shorter than its signals take under load. */
export const MIN_PROVINCIAL_PAYOUT_GRACE_MS = 10_000;

/**
 * How long past the start of the payout day a city waits for the province's payout before it pays
 * itself: half a day of the clock (so even on the latest payout day a calendar month's city has
 * paid before its early warning would fire), at least MIN_PROVINCIAL_PAYOUT_GRACE_MS.
 */
export function provincialPayoutGraceMs(clock: CycleClock): number {
  return Math.max(MIN_PROVINCIAL_PAYOUT_GRACE_MS, Math.round((clock.kind === 'calendar' ? 86_400_000 : clock.dayMs) / 2));
}

/**
 * The latest payout day a province may set: its cities must have paid before their early warning
 * (DEFAULT_PAYOUT_WARNING_LEAD_DAYS before the payout deadline) would fire.
 */
export const LATEST_PAYOUT_DAY = DEFAULT_DEADLINE_DAYS.payout - DEFAULT_PAYOUT_WARNING_LEAD_DAYS;

/**
 * When the month's payout day begins: the start of that day in the province (calendar) or
 * (day - 1) x dayMs after the cycle starts (compressed). Pure, like `computeDeadlines`.
 */
export function payoutDayStart(month: string, startedAt: Date, clock: CycleClock, day: number): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const at =
    clock.kind === 'calendar' ? Date.UTC(year, monthNumber - 1, day) - 8 * 3600_000 : startedAt.getTime() + (day - 1) * clock.dayMs;
  return new Date(at).toISOString();
}
