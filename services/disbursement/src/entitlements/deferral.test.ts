import type { PlanCategory } from '@fund/shared';
import { chooseDeferrals, type DeferralCandidate } from './deferral';

const c = (id: string, category: PlanCategory, amountFen: bigint, queueKey = id): DeferralCandidate => ({
  id,
  category,
  amountFen,
  queueKey,
});
const caps = (entries: [PlanCategory, bigint][]) => new Map(entries);
const sorted = (s: Set<string>) => [...s].sort();

describe('chooseDeferrals', () => {
  const run = [
    c('lt1', 'long_term', 500n, 'a'),
    c('lt2', 'long_term', 300n, 'b'),
    c('lt3', 'long_term', 200n, 'c'),
    c('ot1', 'one_time', 1_000n, 'a'),
    c('ot2', 'one_time', 400n, 'b'),
  ];

  it('defers nothing when every line covers its category', () => {
    expect(
      chooseDeferrals(
        run,
        caps([
          ['long_term', 1_000n],
          ['one_time', 1_400n],
        ]),
        2_400n,
      ).size,
    ).toBe(0);
  });

  it('defers within a cut category only, latest first, until the rest fits', () => {
    // one_time cut to 1,000: the later claim (ot2) goes, the long-term benefits are untouched
    expect(
      sorted(
        chooseDeferrals(
          run,
          caps([
            ['long_term', 1_000n],
            ['one_time', 1_000n],
          ]),
          2_000n,
        ),
      ),
    ).toEqual(['ot2']);
    // long_term cut to 600: lt3 then lt2 (latest first) leave 500
    expect(
      sorted(
        chooseDeferrals(
          run,
          caps([
            ['long_term', 600n],
            ['one_time', 1_400n],
          ]),
          2_000n,
        ),
      ),
    ).toEqual(['lt2', 'lt3']);
  });

  it('caps a category missing from the approved lines at zero', () => {
    expect(sorted(chooseDeferrals(run, caps([['long_term', 1_000n]]), 2_400n))).toEqual(['ot1', 'ot2']);
  });

  it('takes an envelope shortfall from one-time claims before any long-term benefit', () => {
    const approved = caps([
      ['long_term', 1_000n],
      ['one_time', 1_400n],
    ]);
    expect(sorted(chooseDeferrals(run, approved, 2_000n))).toEqual(['ot2']);
    expect(sorted(chooseDeferrals(run, approved, 1_000n))).toEqual(['ot1', 'ot2']);
    expect(sorted(chooseDeferrals(run, approved, 900n))).toEqual(['lt3', 'ot1', 'ot2']);
  });

  it('never keeps more than a cap or the envelope', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      c(`e${i}`, i % 3 === 0 ? 'one_time' : 'long_term', BigInt(1 + ((i * 7919) % 997)), String(i).padStart(4, '0')),
    );
    for (const [lt, ot, env] of [
      [10_000n, 5_000n, 12_000n],
      [0n, 0n, 0n],
      [50_000n, 1n, 30_000n],
    ] as const) {
      const deferred = chooseDeferrals(
        many,
        caps([
          ['long_term', lt],
          ['one_time', ot],
        ]),
        env,
      );
      const kept = many.filter((e) => !deferred.has(e.id));
      const sum = (cat: PlanCategory) => kept.filter((e) => e.category === cat).reduce((s, e) => s + e.amountFen, 0n);
      expect(sum('long_term') <= lt).toBe(true);
      expect(sum('one_time') <= ot).toBe(true);
      expect(sum('long_term') + sum('one_time') <= env).toBe(true);
    }
  });
});
