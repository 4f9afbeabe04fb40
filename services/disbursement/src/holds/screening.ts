import { monthlyEntitlements, oneTimeEntitlements, type Entitlement } from '../benefits';
import { caseFactsOf, type BenefitRules } from '../entitlements/entitlement.compute';
import { screenBatch, type Hold, type PaymentCandidate } from '../supervision';
import type { BatchRow } from './screening.repository';

/** The day an instant falls on in the province (UTC+8). */
const provinceDay = (instant: string): string => new Date(Date.parse(instant) + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * What the standards allow for a stored entitlement, computed again from the register as it is
 * now: its month's long-term line of the same type (and dependant), the one-time line of its
 * claim, or a hospital's billed settlement. Nothing (0) when the standards no longer give it,
 * e.g. the case was suspended after the run was prepared, or cannot be computed.
 */
export function standardAllowance(r: BatchRow, rules: BenefitRules | null, monthlyCache: Map<string, Entitlement[]>): bigint {
  // Inputs unchanged since it was computed with the same standards: the standard is its amount.
  if (!r.recompute) return BigInt(r.amount_fen);
  if (!rules) throw new Error(`entitlement ${r.id} needs its standard recomputed, and no standards were read`);
  if (r.type === 'medical_settlement') return BigInt(r.billed_fen ?? '0');
  try {
    let lines: Entitlement[];
    if (r.claim_id !== null) {
      lines = oneTimeEntitlements(caseFactsOf(r), rules.standards, rules.yearlyParams);
    } else {
      const key = `${r.beneficiary_id}|${r.period_month}`;
      lines = monthlyCache.get(key) ?? monthlyEntitlements(caseFactsOf(r), r.period_month ?? '', rules.standards, rules.yearlyParams);
      monthlyCache.set(key, lines);
    }
    const line = lines.find((l) => l.type === r.type && (l.dependantIndex ?? null) === r.dependant_index);
    return line?.amountFen ?? 0n;
  } catch {
    return 0n;
  }
}

/**
 * Runs the supervision rules over the suspects of a batch read by `readBatch` (the rest of the
 * batch cannot trip a rule). Entitlements a reviewer already released (`released`) are paid as
 * they are: the same rule would only hold them again. `rules` (the standards) may be null when no
 * suspect needs its amount recomputed.
 */
export function screen(
  rows: readonly BatchRow[],
  month: string,
  cityCode: string,
  rules: BenefitRules | null,
  released: ReadonlySet<string>,
): Map<string, Hold[]> {
  const paidElsewhere = new Map<string, readonly string[]>();
  const accountHolders = new Map<string, ReadonlySet<string>>();
  const monthlyCache = new Map<string, Entitlement[]>();
  const candidates: PaymentCandidate[] = [];
  for (const r of rows) {
    if (r.other_cities) paidElsewhere.set(r.id_number_hash, r.other_cities);
    if (r.account_holders) accountHolders.set(r.bank_account_hash, new Set(r.account_holders));
    if (released.has(r.id)) continue;
    candidates.push({
      entitlementId: r.id,
      beneficiaryId: r.beneficiary_id,
      cityCode,
      idNumberHash: r.id_number_hash,
      bankAccountHash: r.bank_account_hash,
      type: r.type,
      category: r.category,
      amountFen: BigInt(r.amount_fen),
      computedStandardFen: standardAllowance(r, rules, monthlyCache),
      dueDate: provinceDay(r.due_date),
      deathDate: r.death_date,
      retirementDate: r.retirement_date,
      month: r.period_month ?? month,
    });
  }
  const byEntitlement = new Map<string, Hold[]>();
  for (const hold of screenBatch(candidates, { paidElsewhere, accountHolders })) {
    const list = byEntitlement.get(hold.entitlementId) ?? [];
    list.push(hold);
    byEntitlement.set(hold.entitlementId, list);
  }
  return byEntitlement;
}
