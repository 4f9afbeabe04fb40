import type { PlanCategory } from '@fund/shared';

/** One entitlement of a payout run, as the deferral rule sees it. */
export interface DeferralCandidate {
  id: string;
  category: PlanCategory;
  amountFen: bigint;
  /** Position in the queue of its category: a smaller key was owed earlier. */
  queueKey: string;
}

/** Which categories give way first when the money allocated to the city is short. */
export const ENVELOPE_DEFERRAL_ORDER: readonly PlanCategory[] = ['one_time', 'medical', 'other', 'long_term'];

/**
 * The deferral rule of a cut plan. Returns the ids to defer; everything else is paid.
 *
 * 1. Per category (hard cap): the entitlements kept in a category never add up to more than its
 *    approved line (a category without a line is capped at 0). When a line was cut below the
 *    computed total, entitlements of that category are deferred LATEST FIRST (largest queue key:
 *    for long-term benefits the latest month, then the most recently registered beneficiary; for
 *    claims the most recently approved) until the rest fits. Money never moves between lines, so
 *    a cut one-time line never touches a long-term benefit.
 * 2. Envelope: if what is kept still exceeds `envelopeFen` (the money actually allocated to the
 *    city, which may be below the approved total), one-time claims give way before any long-term
 *    benefit is touched: categories in ENVELOPE_DEFERRAL_ORDER, latest first within each.
 *
 * Latest first rather than largest first: first come, first paid, and the most severely injured
 * (who draw the largest amounts) are not singled out. Whole entitlements are deferred, so a cut
 * may leave a few fen of a line unspent rather than pay anyone out of queue order.
 */
export function chooseDeferrals(
  candidates: readonly DeferralCandidate[],
  approvedFen: ReadonlyMap<PlanCategory, bigint>,
  envelopeFen: bigint,
): Set<string> {
  const deferred = new Set<string>();
  const latestFirst = (category: PlanCategory) =>
    candidates.filter((c) => c.category === category).sort((a, b) => (a.queueKey < b.queueKey ? 1 : a.queueKey > b.queueKey ? -1 : 0));

  let kept = 0n;
  for (const category of ENVELOPE_DEFERRAL_ORDER) {
    const queue = latestFirst(category);
    let total = queue.reduce((s, c) => s + c.amountFen, 0n);
    const cap = approvedFen.get(category) ?? 0n;
    for (const c of queue) {
      if (total <= cap) break;
      deferred.add(c.id);
      total -= c.amountFen;
    }
    kept += total;
  }

  for (const category of ENVELOPE_DEFERRAL_ORDER) {
    if (kept <= envelopeFen) break;
    for (const c of latestFirst(category)) {
      if (kept <= envelopeFen) break;
      if (deferred.has(c.id)) continue;
      deferred.add(c.id);
      kept -= c.amountFen;
    }
  }
  return deferred;
}
