import {
  computeDeadlines,
  LATEST_PAYOUT_DAY,
  MIN_PROVINCIAL_PAYOUT_GRACE_MS,
  payoutDayStart,
  payoutWarningLeadMs,
  provincialPayoutGraceMs,
} from './deadlines';

describe('the payout day', () => {
  it('begins at the start of its day in the province (UTC+8) on the calendar clock', () => {
    expect(payoutDayStart('2026-11', new Date('2026-11-01T00:00:00Z'), { kind: 'calendar' }, 20)).toBe('2026-11-19T16:00:00.000Z');
    // Day 1 of January begins on the last evening of December in UTC.
    expect(payoutDayStart('2027-01', new Date('2027-01-01T00:00:00Z'), { kind: 'calendar' }, 1)).toBe('2026-12-31T16:00:00.000Z');
  });

  it('begins when the day before ends on a compressed clock, so it falls between the deadlines around it', () => {
    const start = new Date('2026-11-23T10:00:00Z');
    const clock = { kind: 'compressed', dayMs: 1_000 } as const;
    expect(payoutDayStart('2026-11', start, clock, 19)).toBe('2026-11-23T10:00:18.000Z');
    const deadlines = computeDeadlines('2026-11', start, clock);
    expect(payoutDayStart('2026-11', start, clock, 19)).toBe(deadlines.allocation);
    expect(Date.parse(payoutDayStart('2026-11', start, clock, LATEST_PAYOUT_DAY))).toBeLessThan(Date.parse(deadlines.payout));
  });

  it('gives the province half a day of the clock to pay before a city pays itself, never less than the floor', () => {
    expect(provincialPayoutGraceMs({ kind: 'calendar' })).toBe(12 * 3_600_000);
    // On the latest payout day a calendar city still pays itself before its early warning.
    expect(provincialPayoutGraceMs({ kind: 'calendar' })).toBeLessThan(payoutWarningLeadMs({ kind: 'calendar' }));
    expect(provincialPayoutGraceMs({ kind: 'compressed', dayMs: 60_000 })).toBe(30_000);
    expect(provincialPayoutGraceMs({ kind: 'compressed', dayMs: 1_500 })).toBe(MIN_PROVINCIAL_PAYOUT_GRACE_MS);
  });
});
